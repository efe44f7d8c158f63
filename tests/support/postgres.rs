//! The PostgreSQL server that `cargo xtask test` starts (docs/testing.md): a database of its own
//! for each test, dropped afterwards, and the server's restart for the tests that need one.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The server `cargo xtask test` started, from the variables it sets.
#[derive(Clone, Debug)]
pub struct Postgres {
    /// The superuser's URL (the `postgres` database).
    pub url: String,
    bin: PathBuf,
    data: PathBuf,
}

/// A database made for one test; dropped (with its connections) when this is.
#[derive(Debug)]
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    name: String,
    server: Postgres,
}

impl TestDatabase {
    /// Runs one SQL statement in this database; answers its rows, one per line.
    pub fn psql(&self, sql: &str) -> Result<String, String> {
        self.server.psql_at(&self.url, sql)
    }
}

impl Drop for TestDatabase {
    /// Kept when the test fails (its name is printed), to read what the processes wrote.
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept database {} for inspection", self.name);
            return;
        }
        let _ = self.server.psql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

impl Postgres {
    /// The server, or `None` after the loud skip notice (a failure under `cargo xtask test`).
    pub fn find(test: &str) -> Option<Postgres> {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        match (
            var("REGOPS_POSTGRES_URL"),
            var("REGOPS_POSTGRES_BIN"),
            var("REGOPS_POSTGRES_DATA"),
        ) {
            (Some(url), Some(bin), Some(data)) => Some(Postgres {
                url,
                bin: bin.into(),
                data: data.into(),
            }),
            _ => {
                crate::missing_peer(
                    test,
                    "PostgreSQL",
                    "REGOPS_POSTGRES_URL is not set; `cargo xtask test` starts a server, or run \
                     `cargo xtask postgres` and export what it prints",
                );
                None
            }
        }
    }

    /// Runs one SQL statement as the superuser.
    pub fn psql(&self, sql: &str) -> Result<String, String> {
        self.psql_at(&self.url, sql)
    }

    /// Runs one SQL statement in the database at `url`; answers its rows, one per line.
    pub fn psql_at(&self, url: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(self.bin.join("psql"))
            .args([url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running psql: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }

    /// A new empty database named after `test` and this process.
    pub fn database(&self, test: &str) -> TestDatabase {
        let name = format!(
            "regops_{}_{}",
            test.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
            std::process::id()
        )
        .to_lowercase();
        self.psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .and_then(|_| self.psql(&format!("CREATE DATABASE {name}")))
            .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
        let base = self
            .url
            .rsplit_once('/')
            .map_or(self.url.as_str(), |(b, _)| b);
        TestDatabase {
            url: format!("{base}/{name}"),
            name,
            server: self.clone(),
        }
    }

    /// Stops the server (fast: sessions are cut).
    pub fn stop(&self) -> Result<(), String> {
        self.pg_ctl(&["stop", "-m", "fast", "-w"])
    }

    /// Starts the server again as it was (its settings are the cluster's own).
    pub fn start_again(&self) -> Result<(), String> {
        let log = self.data.with_file_name("server.log");
        self.pg_ctl(&["start", "-w", "-t", "60", "-l", &log.to_string_lossy()])
    }

    /// Runs `pg_ctl ARGS` on the server's cluster, as the cluster's owner.
    pub fn pg_ctl(&self, args: &[&str]) -> Result<(), String> {
        use std::os::unix::fs::MetadataExt;
        let owner = std::fs::metadata(&self.data)
            .map_err(|e| format!("{}: {e}", self.data.display()))?
            .uid();
        let pg_ctl = self.bin.join("pg_ctl");
        let data = self.data.to_string_lossy().into_owned();
        let mut all: Vec<&str> = vec!["-D", &data];
        all.extend_from_slice(args);
        let me = Command::new("id").arg("-u").output().ok();
        let mine =
            me.is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == owner.to_string());
        let mut cmd = if mine {
            let mut c = Command::new(&pg_ctl);
            c.args(&all);
            c
        } else {
            let mut c = Command::new("runuser");
            c.args(["-u", &owner_name(owner), "--"])
                .arg(&pg_ctl)
                .args(&all);
            c
        };
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running pg_ctl: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }
}

fn owner_name(uid: u32) -> String {
    Command::new("id")
        .args(["-nu", &uid.to_string()])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|_| "nobody".into())
}
