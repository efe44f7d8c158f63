//! A fleet: three `regops serve` processes on one real PostgreSQL (the one `cargo xtask test`
//! starts) and eight sandbox accounts, each its own sandbox, so that each sandbox's request log
//! is one account's as its registrar sees it. Each process names itself in its User-Agent.
//!
//! What is checked is what the registrar and the platform see: no two processes on one account
//! at once, each account's rate limit held, every operation followed to its end, every event
//! delivered to the webhook receiver (Python's `standardwebhooks` verifies each) at least once,
//! a killed process's accounts taken over within the lease's bound, and a database restart
//! survived.

use super::serve::{SECRET, Serve, get_json, received, wait_all_ended, wait_no_pending};
use regops_core::Journal;
use regops_sim::requests::LoggedRequest;
use regops_sim::{Protocol, Sim, SimConfig};
use regops_tests::postgres::{Postgres, TestDatabase};
use regops_tests::{PeerServer, Scratch, webhook_receiver};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The fleet tests share one database server, and one of them restarts it: one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

const LEASE: Duration = Duration::from_secs(3);
const DISCOVER: Duration = Duration::from_secs(1);
const RATE: f64 = 5.0;

/// Eight accounts, two per provider, each on a sandbox of its own.
struct Accounts {
    sims: BTreeMap<String, Sim>,
}

impl Accounts {
    fn start(rt: &tokio::runtime::Runtime, seed: u64, speed: f64) -> Accounts {
        let mut sims = BTreeMap::new();
        for (i, (k, protocol)) in Protocol::ALL
            .iter()
            .flat_map(|p| [(0, *p), (1, *p)])
            .enumerate()
        {
            let sim = rt
                .block_on(Sim::start(
                    SimConfig::default()
                        .speed(speed)
                        .seed(seed + i as u64)
                        .log_requests(true),
                ))
                .unwrap();
            sims.insert(format!("{}-{k}", protocol.name()), sim);
        }
        Accounts { sims }
    }

    /// `[accounts.NAME]` of each sandbox's own table, paced at [`RATE`].
    fn config(&self) -> String {
        let mut out = String::new();
        for (name, sim) in &self.sims {
            let protocol = name.rsplit_once('-').unwrap().0;
            let text = sim.config_toml();
            let header = format!("[accounts.{protocol}]\n");
            let start = text.find(&header).unwrap() + header.len();
            let body = text[start..].split("\n\n").next().unwrap();
            out.push_str(&format!("[accounts.{name}]\n"));
            for line in body.lines() {
                if !line.starts_with("requests_per_second") {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            out.push_str(&format!("requests_per_second = {RATE}\n\n"));
        }
        out
    }

    fn start_operations(&self, per_account: usize) -> Vec<(String, String)> {
        let mut started = Vec::new();
        for (name, sim) in &self.sims {
            let protocol = Protocol::named(name.rsplit_once('-').unwrap().0).unwrap();
            for s in sim.start_operations(protocol, per_account) {
                started.push((name.clone(), s.id));
            }
        }
        started
    }

    fn envs(&self) -> Vec<(&'static str, String)> {
        // Every sandbox has the default credentials: one set of variables serves them all.
        let mut e = self.sims.values().next().unwrap().secret_exports();
        e.push(("TEST_WEBHOOK_SECRET", SECRET.to_owned()));
        e
    }
}

fn node_config(
    dir: &Path,
    node: &str,
    accounts: &Accounts,
    db: &TestDatabase,
    hook: &str,
) -> PathBuf {
    let text = format!(
        "{}[serve]\nname = \"{node}\"\njournal = \"{}\"\nlease = \"{}s\"\ndiscover = \"{}s\"\n\
         discover_since = \"1h\"\n\n[[webhooks]]\nurl = \"{hook}/hook\"\n\
         secret = {{ env = \"TEST_WEBHOOK_SECRET\" }}\nretry = [\"1s\", \"1s\", \"1s\", \"1s\", \"1s\", \"1s\", \"1s\", \"1s\"]\n",
        accounts.config(),
        db.url,
        LEASE.as_secs(),
        DISCOVER.as_secs(),
    );
    let path = dir.join(format!("{node}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

struct Fleet {
    rt: tokio::runtime::Runtime,
    accounts: Accounts,
    db: TestDatabase,
    server: Postgres,
    receiver: PeerServer,
    scratch: Scratch,
}

impl Fleet {
    /// The sandboxes' clocks run `speed` times real time: Netim lists only operations still
    /// pending, so those that must outlive a kill or a restart run slowly.
    fn new(test: &str, seed: u64, speed: f64) -> Option<Fleet> {
        let server = Postgres::find(test)?;
        let receiver = webhook_receiver(test, SECRET, 0.0)?;
        let rt = tokio::runtime::Runtime::new().unwrap();
        let accounts = Accounts::start(&rt, seed, speed);
        let db = server.database(test);
        Some(Fleet {
            rt,
            accounts,
            db,
            server,
            receiver,
            scratch: Scratch::new(test),
        })
    }

    fn start(&self, node: &str) -> Serve {
        let dir = self.scratch.path();
        let cfg = node_config(dir, node, &self.accounts, &self.db, self.receiver.url());
        // Each process's log is kept beside its configuration, to read when a check fails.
        let log = std::fs::File::create(dir.join(format!("{node}.log"))).unwrap();
        Serve::start_logging(dir, &cfg, &self.accounts.envs(), "info", log.into())
    }

    /// A process per name, each on the whole configuration.
    fn nodes(&self, names: &[&str]) -> Vec<Serve> {
        names.iter().map(|n| self.start(n)).collect()
    }

    /// Waits until every operation `started` ended and every delivery was made, then checks
    /// the journal's events against what the receiver got.
    fn all_followed_and_delivered(&self, nodes: &[Serve], started: &[(String, String)]) {
        wait_all_ended(&self.rt, &nodes[0].base, started, Duration::from_secs(120));
        wait_no_pending(
            &self.rt,
            &nodes[nodes.len() - 1].base,
            Duration::from_secs(60),
        );
        self.every_event_delivered_once_announced(started);
    }

    /// Who holds each account, as one process answers.
    fn owners(&self, serve: &Serve) -> BTreeMap<String, Option<String>> {
        let accounts = get_json(&self.rt, &format!("{}/v1/accounts", serve.base));
        accounts
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["account"].as_str().unwrap().to_owned(),
                    a["owner"].as_str().map(str::to_owned),
                )
            })
            .collect()
    }

    /// Waits until every account is held and `nodes` share them.
    fn wait_shared(&self, serve: &Serve, nodes: usize) -> BTreeMap<String, String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let owners = self.owners(serve);
            let distinct: BTreeSet<&String> = owners.values().flatten().collect();
            if owners.values().all(Option::is_some) && distinct.len() == nodes {
                return owners.into_iter().map(|(a, o)| (a, o.unwrap())).collect();
            }
            assert!(
                Instant::now() < deadline,
                "never shared by {nodes}: {owners:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Every event of the journal reached the receiver (answered 200) at least once, and no
    /// state of an operation was announced twice.
    fn every_event_delivered_once_announced(&self, started: &[(String, String)]) {
        let journal = self
            .rt
            .block_on(regops_journal::PgJournal::connect(&self.db.url))
            .unwrap();
        let events = self
            .rt
            .block_on(journal.events_after(0, 1_000_000))
            .unwrap();
        let got = received(&self.rt, &self.receiver);
        let delivered: BTreeSet<&str> = got
            .iter()
            .filter(|(_, answered, _)| *answered == 200)
            .map(|(id, _, _)| id.as_str())
            .collect();
        for e in &events {
            assert!(
                delivered.contains(e.id.as_str()),
                "event {} ({:?} of {} {}) never delivered",
                e.id,
                e.kind,
                e.account,
                e.operation_id
            );
        }
        for (account, id) in started {
            let states: Vec<&regops_core::Operation> = events
                .iter()
                .filter(|e| &e.account == account && e.operation_id.as_str() == id)
                .filter_map(|e| e.operation.as_ref())
                .collect();
            assert!(!states.is_empty(), "{account} {id}: never announced");
            for pair in states.windows(2) {
                assert!(
                    pair[1].changed_from(pair[0]),
                    "{account} {id}: a state announced twice: {:?}",
                    pair[1]
                );
            }
        }
    }
}

/// Which process (by the name in its User-Agent) made a request.
fn caller(r: &LoggedRequest) -> &str {
    r.user_agent
        .split("(regops serve ")
        .nth(1)
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or(&r.user_agent)
}

/// Checks one account's log: no request of one process overlaps one of another, and the rate
/// holds (a token bucket of one: at most RATE + 1 in any second, one more at a handover, where
/// the new holder's bucket starts full). Answers the callers.
fn one_at_a_time_and_paced(account: &str, log: &[LoggedRequest]) -> BTreeSet<String> {
    let mut log: Vec<&LoggedRequest> = log.iter().collect();
    log.sort_by_key(|r| r.started);
    let mut ends: BTreeMap<&str, Instant> = BTreeMap::new();
    for r in &log {
        let me = caller(r);
        for (other, end) in &ends {
            assert!(
                *other == me || *end <= r.started,
                "{account}: {me} called while {other}'s call was under way"
            );
        }
        let end = ends.entry(me).or_insert(r.ended);
        *end = (*end).max(r.ended);
    }
    let limit = RATE as usize + 2;
    for (i, r) in log.iter().enumerate() {
        let within = log[i..]
            .iter()
            .take_while(|s| s.started < r.started + Duration::from_secs(1))
            .count();
        assert!(
            within <= limit,
            "{account}: {within} requests within a second (rate {RATE}/s)"
        );
    }
    ends.keys().map(|c| (*c).to_owned()).collect()
}

#[test]
fn three_processes_share_eight_accounts_one_at_a_time() {
    let test = "fleet_share";
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(fleet) = Fleet::new(test, 100, 1.5) else {
        return;
    };
    let started = fleet.accounts.start_operations(6);
    let nodes = fleet.nodes(&["node-a", "node-b", "node-c"]);
    let owners = fleet.wait_shared(&nodes[0], 3);
    let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
    for o in owners.values() {
        *per_node.entry(o.as_str()).or_default() += 1;
    }
    assert!(
        per_node.values().all(|n| (2..=3).contains(n)),
        "a fair share each: {per_node:?}"
    );
    fleet.all_followed_and_delivered(&nodes, &started);
    // Every process answers the whole API from the database.
    for node in &nodes[1..] {
        wait_all_ended(&fleet.rt, &node.base, &started, Duration::from_secs(5));
    }
    let mut callers = BTreeSet::new();
    let mut never_called_by_c = Vec::new();
    for (account, sim) in &fleet.accounts.sims {
        let by = one_at_a_time_and_paced(account, &sim.requests());
        if !by.contains("node-c") {
            never_called_by_c.push(account.clone());
        }
        callers.extend(by);
    }
    // Calls are the fleet's totals, whichever process answers: node-c (the last to start, which
    // never held most accounts) counts the calls the others made to accounts it never called
    // (they report them at each lease renewal).
    assert!(!never_called_by_c.is_empty());
    std::thread::sleep(LEASE / 3 + Duration::from_millis(500));
    let accounts = get_json(&fleet.rt, &format!("{}/v1/accounts", nodes[2].base));
    for name in &never_called_by_c {
        let row = accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account"] == name.as_str())
            .unwrap();
        assert!(
            row["calls"].as_u64().unwrap() > 0,
            "{name}: node-c answers the fleet's calls: {row}"
        );
    }
    assert_eq!(
        callers,
        ["node-a", "node-b", "node-c"].map(String::from).into(),
        "every process called some account"
    );
    stop_all(nodes);
}

#[test]
fn a_killed_process_accounts_are_taken_over_within_the_lease() {
    let test = "fleet_kill";
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(fleet) = Fleet::new(test, 200, 1.5) else {
        return;
    };
    let started = fleet.accounts.start_operations(6);
    let mut nodes = fleet.nodes(&["node-a", "node-b", "node-c"]);
    let owners = fleet.wait_shared(&nodes[0], 3);
    // Let the work go on, then kill the last node without a chance to hand anything over.
    std::thread::sleep(Duration::from_secs(2));
    let victim = nodes.pop().unwrap();
    let orphans: Vec<&String> = owners
        .iter()
        .filter(|(_, o)| o.as_str() == "node-c")
        .map(|(a, _)| a)
        .collect();
    assert!(!orphans.is_empty());
    victim.kill9();
    let killed_at = Instant::now();
    fleet.all_followed_and_delivered(&nodes, &started);
    let bound = LEASE + LEASE / 3 + DISCOVER + Duration::from_millis(1500);
    for account in orphans {
        let log = fleet.accounts.sims[account].requests();
        one_at_a_time_and_paced(account, &log);
        let first_after = log
            .iter()
            .filter(|r| r.started > killed_at && caller(r) != "node-c")
            .map(|r| r.started)
            .min()
            .unwrap_or_else(|| panic!("{account}: never taken over"));
        let took = first_after - killed_at;
        eprintln!("{test}: {account} taken over {took:?} after the kill");
        assert!(
            took <= bound,
            "{account}: taken over after {took:?} (bound {bound:?})"
        );
        assert!(
            log.iter()
                .all(|r| caller(r) != "node-c" || r.started <= killed_at),
            "{account}: the killed process still called"
        );
    }
    stop_all(nodes);
}

#[test]
fn the_fleet_survives_a_database_restart() {
    let test = "fleet_db_restart";
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(fleet) = Fleet::new(test, 300, 1.5) else {
        return;
    };
    let started = fleet.accounts.start_operations(6);
    let mut nodes = fleet.nodes(&["node-a", "node-b"]);
    fleet.wait_shared(&nodes[0], 2);
    std::thread::sleep(Duration::from_secs(2));
    // Down for longer than the gates' margin, so that every process stops calling.
    fleet.server.stop().unwrap();
    let stopped_at = Instant::now();
    std::thread::sleep(LEASE + Duration::from_secs(1));
    let restarted_at = Instant::now();
    fleet.server.start_again().unwrap();
    for node in &mut nodes {
        assert!(
            node.child.try_wait().unwrap().is_none(),
            "a process died with the database"
        );
    }
    fleet.all_followed_and_delivered(&nodes, &started);
    // While the database was away no lease could be renewed: after the margin, no calls.
    let quiet_from = stopped_at + LEASE.mul_f64(2.0 / 3.0) + Duration::from_millis(500);
    for (account, sim) in &fleet.accounts.sims {
        let log = sim.requests();
        one_at_a_time_and_paced(account, &log);
        let during = log
            .iter()
            .filter(|r| r.started > quiet_from && r.started < restarted_at)
            .count();
        assert_eq!(
            during, 0,
            "{account}: called while no lease could be renewed"
        );
    }
    stop_all(nodes);
}

/// Stops every process with SIGTERM; each exits 0.
fn stop_all(nodes: Vec<Serve>) {
    for node in nodes {
        assert!(node.terminate().success());
    }
}

/// A PostgreSQL journal that is written wrong, or that does not answer: one line, the right
/// exit code, and never the URL's password. No server needed.
#[test]
fn a_bad_or_absent_database_is_one_line_without_its_password() {
    let scratch = Scratch::new("fleet_bad_database");
    let cfg = scratch.path().join("regops.toml");
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for (url, code, says) in [
        (
            "postgres://regops:s3cret-pw@127.0.0.1:notaport/db",
            2,
            "does not parse",
        ),
        (
            &format!("postgres://regops:s3cret-pw@127.0.0.1:{closed_port}/db") as &str,
            3,
            "journal",
        ),
    ] {
        std::fs::write(
            &cfg,
            format!(
                "[serve]\njournal = \"{url}\"\nlease = \"3s\"\n\n[accounts.g]\nprovider = \"gandi\"\napi_key = \"k\"\n"
            ),
        )
        .unwrap();
        let out = super::command(scratch.path())
            .args([
                "--config",
                &cfg.to_string_lossy(),
                "serve",
                "--listen",
                "127.0.0.1:0",
            ])
            .output()
            .unwrap();
        let line = super::error_line(&out);
        assert_eq!(out.status.code(), Some(code), "{url}: {line}");
        assert!(line.contains(says), "{url}: {line}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("s3cret-pw"), "the password shown: {all}");
    }
    let lease =
        "[serve]\nlease = \"200ms\"\n\n[accounts.g]\nprovider = \"gandi\"\napi_key = \"k\"\n";
    std::fs::write(&cfg, lease).unwrap();
    let out = super::command(scratch.path())
        .args([
            "--config",
            &cfg.to_string_lossy(),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(super::error_line(&out).contains("at least 1s"));
}
