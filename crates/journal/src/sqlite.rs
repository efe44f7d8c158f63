//! The journal in an SQLite file: WAL mode, one transaction per change, versioned schema.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use regops_core::journal::{event_id, submitted_key};
use regops_core::{
    Attempt, Delivery, DeliveryState, Error, Event, EventBounds, EventKind, Journal, JournalEntry,
    JournalRecord, Lease, Operation, OperationId, OperationQuery, Result, Subscription,
};
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How many migrations the schema has: the `user_version` of an up-to-date journal.
const MIGRATIONS: usize = 3;

/// The schema, as versioned migrations (SQLite's `user_version` holds how many ran). A journal
/// written by an older regops is brought up to date when it is opened; never edit a migration
/// that has shipped, add one.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE IF NOT EXISTS operations (
                account     TEXT NOT NULL,
                id          TEXT NOT NULL,
                terminal    INTEGER NOT NULL DEFAULT 0,
                last        TEXT,
                tracked_at  TEXT NOT NULL,
                PRIMARY KEY (account, id)
            );
            CREATE TABLE IF NOT EXISTS history (
                seq          INTEGER PRIMARY KEY AUTOINCREMENT,
                account      TEXT NOT NULL,
                id           TEXT NOT NULL,
                observed_at  TEXT NOT NULL,
                operation    TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS history_of ON history (account, id, seq);
            CREATE INDEX IF NOT EXISTS unfinished ON operations (terminal);",
        ),
        // Events, the webhook outbox, and the columns that queries filter and sort on. The
        // derived columns of rows written before this migration are filled when the journal is
        // opened (`indexed` = 0).
        M::up(
            "ALTER TABLE operations ADD COLUMN given_up INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE operations ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
            ALTER TABLE operations ADD COLUMN kind TEXT;
            ALTER TABLE operations ADD COLUMN target TEXT;
            ALTER TABLE operations ADD COLUMN submitted TEXT NOT NULL DEFAULT '';
            ALTER TABLE operations ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX operations_order ON operations (submitted DESC, account DESC, id DESC);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE events (
                seq        INTEGER PRIMARY KEY AUTOINCREMENT,
                id         TEXT NOT NULL UNIQUE,
                kind       TEXT NOT NULL,
                at         TEXT NOT NULL,
                account    TEXT NOT NULL,
                op_id      TEXT NOT NULL,
                operation  TEXT,
                error      TEXT
            );
            CREATE INDEX events_at ON events (at);
            CREATE TABLE deliveries (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                url              TEXT NOT NULL,
                event_seq        INTEGER NOT NULL,
                account          TEXT NOT NULL,
                op_id            TEXT NOT NULL,
                state            TEXT NOT NULL,
                attempts         INTEGER NOT NULL DEFAULT 0,
                last_error       TEXT,
                next_attempt_at  TEXT,
                held_until       TEXT
            );
            CREATE INDEX deliveries_due ON deliveries (url, state, event_seq);
            CREATE INDEX deliveries_of ON deliveries (url, account, op_id, state, event_seq);
            CREATE INDEX deliveries_event ON deliveries (event_seq);",
        ),
        // Leases of accounts and the processes that share the journal; the index that counts
        // pending deliveries without reading the whole outbox.
        M::up(
            "CREATE TABLE leases (
                account     TEXT PRIMARY KEY,
                owner       TEXT NOT NULL,
                expires_at  TEXT NOT NULL
            );
            CREATE TABLE members (
                owner       TEXT PRIMARY KEY,
                expires_at  TEXT NOT NULL
            );
            CREATE TABLE calls (
                owner    TEXT NOT NULL,
                account  TEXT NOT NULL,
                calls    INTEGER NOT NULL,
                errors   INTEGER NOT NULL,
                PRIMARY KEY (owner, account)
            );
            CREATE INDEX deliveries_state ON deliveries (state);",
        ),
    ])
}

/// The journal in an SQLite file.
#[derive(Clone)]
pub struct SqliteJournal {
    conn: Arc<Mutex<Connection>>,
    reader: Arc<Mutex<Connection>>,
    path: PathBuf,
    salt: u32,
    subscriptions: crate::subscriptions::Subscriptions,
}

impl std::fmt::Debug for SqliteJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteJournal")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn db_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(
        regops_core::ErrorKind::Protocol,
        format!("journal: {what}: {e}"),
    )
}

impl SqliteJournal {
    /// Opens (creating it and its folder when needed) the journal at `path`, bringing its
    /// schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| db_error(&format!("creating {}", dir.display()), e))?;
        }
        let mut conn = Connection::open(path)
            .map_err(|e| db_error(&format!("opening {}", path.display()), e))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(|e| db_error("setting the busy timeout", e))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            .map_err(|e| db_error("setting WAL mode", e))?;
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| db_error("migrating the schema", e))?;
        backfill(&mut conn).map_err(|e| db_error("indexing older records", e))?;
        let salt = salt(&conn).map_err(|e| db_error("reading the journal's salt", e))?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS_CACHED);
        // Reads go through a connection of their own: in WAL mode they see every committed
        // write and never wait behind one, so the API stays quick while the tracker writes.
        let reader = read_only(path)?;
        Ok(Self::from_connections(conn, reader, path, salt))
    }

    /// Opens the journal at `path` to read only: nothing is created, migrated or written (a
    /// journal on a read-only disk, or one another process writes, reads fine). A missing
    /// file, or one of an older schema, is an error saying so. Writes through it fail.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        if !path.is_file() {
            return Err(Error::invalid_input(format!(
                "there is no journal at {}",
                path.display()
            )));
        }
        let conn = read_only(path)?;
        let version: usize = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| db_error("reading the schema version", e))?;
        if version < MIGRATIONS {
            return Err(Error::invalid_input(format!(
                "the journal at {} is of an older regops (schema {version}, this one writes {MIGRATIONS}); \
                 a command that writes it (regops track --resume) brings it up to date",
                path.display()
            )));
        }
        let salt = stored_salt(&conn).map_err(|e| db_error("reading the journal's salt", e))?;
        let reader = read_only(path)?;
        Ok(Self::from_connections(conn, reader, path, salt))
    }

    /// The journal on its writing and reading connections.
    fn from_connections(conn: Connection, reader: Connection, path: &Path, salt: u32) -> Self {
        SqliteJournal {
            conn: Arc::new(Mutex::new(conn)),
            reader: Arc::new(Mutex::new(reader)),
            path: path.to_owned(),
            salt,
            subscriptions: Default::default(),
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the writing connection on a blocking thread.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        on(self.conn.clone(), f).await
    }

    /// Runs `f`, which only reads, on the reading connection on a blocking thread.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        on(self.reader.clone(), f).await
    }
}

/// Runs `f` on `conn` on a blocking thread.
async fn on<T: Send + 'static>(
    conn: Arc<Mutex<Connection>>,
    f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || {
        let mut guard = conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    })
    .await
    .map_err(|e| db_error("the journal thread", e))?
    .map_err(|e| db_error("a statement", e))
}

/// The journal's event id salt, drawn once when the journal is created.
fn salt(conn: &Connection) -> rusqlite::Result<u32> {
    conn.prepare_cached("INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?1)")?
        .execute(params![regops_core::journal::new_salt().to_string()])?;
    stored_salt(conn)
}

/// The salt the journal holds.
fn stored_salt(conn: &Connection) -> rusqlite::Result<u32> {
    let text: String = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'salt'")?
        .query_row([], |r| r.get(0))?;
    Ok(text.parse().unwrap_or(0))
}

/// How many prepared statements each connection keeps.
const STATEMENTS_CACHED: usize = 64;

/// A connection to `path` that only reads.
fn read_only(path: &Path) -> Result<Connection> {
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .and_then(|c| c.busy_timeout(Duration::from_secs(10)).map(|()| c))
        .map_err(|e| db_error(&format!("opening {} to read", path.display()), e))?;
    conn.set_prepared_statement_cache_capacity(STATEMENTS_CACHED);
    Ok(conn)
}

/// Fills the derived columns of records written before they existed.
fn backfill(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    let rows: Vec<(String, String, String)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT account, id, last FROM operations WHERE indexed = 0 AND last IS NOT NULL",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    for (account, id, last) in rows {
        let op = decode(&last)?;
        tx.prepare_cached(
            "UPDATE operations SET status = ?3, kind = ?4, target = ?5, submitted = ?6, indexed = 1
             WHERE account = ?1 AND id = ?2",
        )?
        .execute(params![
            account,
            id,
            op.status.as_str(),
            op.kind,
            op.target,
            submitted_key(Some(&op))
        ])?;
    }
    tx.commit()
}

fn encode(op: &Operation) -> rusqlite::Result<String> {
    serde_json::to_string(op).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

fn decode(text: &str) -> rusqlite::Result<Operation> {
    serde_json::from_str(text).map_err(|e| conversion(Box::new(e)))
}

fn conversion(e: Box<dyn std::error::Error + Send + Sync>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e)
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn now() -> String {
    stamp(Utc::now())
}

fn parse_time(text: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| conversion(Box::new(e)))
}

/// Appends an event and its deliveries to the open transaction.
#[allow(clippy::too_many_arguments)]
fn announce(
    tx: &rusqlite::Transaction<'_>,
    salt: u32,
    subscriptions: &[Subscription],
    kind: EventKind,
    account: &str,
    op_id: &str,
    operation: Option<&str>,
    error: Option<&str>,
) -> rusqlite::Result<()> {
    let at = now();
    // The id needs the sequence number: insert with a placeholder, then name it.
    tx.prepare_cached(
        "INSERT INTO events (id, kind, at, account, op_id, operation, error)
         VALUES ('evt_pending_' || hex(randomblob(8)), ?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![kind.as_str(), at, account, op_id, operation, error])?;
    let seq = tx.last_insert_rowid();
    tx.prepare_cached("UPDATE events SET id = ?2 WHERE seq = ?1")?
        .execute(params![seq, event_id(salt, seq as u64)])?;
    for s in subscriptions.iter().filter(|s| s.wants(kind, account)) {
        tx.prepare_cached(
            "INSERT INTO deliveries (url, event_seq, account, op_id, state, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
        )?
        .execute(params![s.url, seq, account, op_id, at])?;
    }
    Ok(())
}

const EVENT_COLUMNS: &str = "e.seq, e.id, e.kind, e.at, e.account, e.op_id, e.operation, e.error";

fn event_row(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Event> {
    let kind: String = row.get(at + 2)?;
    let operation: Option<String> = row.get(at + 6)?;
    Ok(Event {
        seq: row.get::<_, i64>(at)? as u64,
        id: row.get(at + 1)?,
        kind: EventKind::parse(&kind)
            .ok_or_else(|| conversion(format!("unknown event kind {kind}").into()))?,
        at: parse_time(&row.get::<_, String>(at + 3)?)?,
        account: row.get(at + 4)?,
        operation_id: OperationId::new(row.get::<_, String>(at + 5)?),
        operation: operation.as_deref().map(decode).transpose()?,
        error: row.get(at + 7)?,
    })
}

const DELIVERY_QUERY: &str =
    "SELECT d.id, d.url, d.state, d.attempts, d.last_error, d.next_attempt_at,
     e.seq, e.id, e.kind, e.at, e.account, e.op_id, e.operation, e.error
     FROM deliveries d JOIN events e ON e.seq = d.event_seq";

fn delivery_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Delivery> {
    let state: String = row.get(2)?;
    let next: Option<String> = row.get(5)?;
    Ok(Delivery {
        id: row.get::<_, i64>(0)? as u64,
        url: row.get(1)?,
        event: event_row(row, 6)?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| conversion(format!("unknown delivery state {state}").into()))?,
        attempts: row.get(3)?,
        last_error: row.get(4)?,
        next_attempt_at: next.as_deref().map(parse_time).transpose()?,
    })
}

fn record_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<JournalRecord> {
    let last: Option<String> = row.get(2)?;
    let given_up: bool = row.get(3)?;
    Ok(JournalRecord::new(
        row.get::<_, String>(0)?,
        OperationId::new(row.get::<_, String>(1)?),
        last.as_deref().map(decode).transpose()?,
    )
    .with_given_up(given_up))
}

#[async_trait]
impl Journal for SqliteJournal {
    async fn track(&self, account: &str, id: &OperationId) -> Result<bool> {
        let (account, id) = (account.to_owned(), id.as_str().to_owned());
        self.with(move |c| {
            let n = c.prepare_cached("INSERT OR IGNORE INTO operations (account, id, tracked_at, indexed) VALUES (?1, ?2, ?3, 1)")?.execute(
                params![account, id, now()],
            )?;
            if n == 0 {
                c.prepare_cached("UPDATE operations SET given_up = 0 WHERE account = ?1 AND id = ?2")?.execute(
                    params![account, id],
                )?;
            }
            Ok(n == 1)
        })
        .await
    }

    async fn record(&self, account: &str, op: &Operation) -> Result<bool> {
        let account = account.to_owned();
        let op = op.clone();
        let (salt, subscriptions) = (self.salt, self.subscriptions.current());
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let id = op.id.as_str().to_owned();
            let last: Option<Option<String>> = tx
                .query_row(
                    "SELECT last FROM operations WHERE account = ?1 AND id = ?2",
                    params![account, id],
                    |row| row.get(0),
                )
                .optional()?;
            let changed = match last.flatten() {
                Some(text) => op.changed_from(&decode(&text)?),
                None => true,
            };
            let encoded = encode(&op)?;
            tx.prepare_cached("INSERT INTO operations (account, id, terminal, last, tracked_at, status, kind, target, submitted, indexed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)
                 ON CONFLICT (account, id) DO UPDATE SET terminal = ?3, last = ?4, status = ?6,
                     kind = ?7, target = ?8, submitted = ?9, indexed = 1")?.execute(
                params![
                    account,
                    id,
                    op.is_terminal(),
                    encoded,
                    now(),
                    op.status.as_str(),
                    op.kind,
                    op.target,
                    submitted_key(Some(&op))
                ],
            )?;
            if changed {
                tx.prepare_cached("INSERT INTO history (account, id, observed_at, operation) VALUES (?1, ?2, ?3, ?4)")?.execute(
                    params![account, id, now(), encoded],
                )?;
                announce(
                    &tx,
                    salt,
                    &subscriptions,
                    EventKind::of_change(&op),
                    &account,
                    &id,
                    Some(&encoded),
                    None,
                )?;
            }
            tx.commit()?;
            Ok(changed)
        })
        .await
    }

    async fn give_up(&self, account: &str, id: &OperationId, reason: &str) -> Result<()> {
        let (account, id, reason) = (
            account.to_owned(),
            id.as_str().to_owned(),
            reason.to_owned(),
        );
        let (salt, subscriptions) = (self.salt, self.subscriptions.current());
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.prepare_cached("INSERT INTO operations (account, id, tracked_at, given_up, indexed) VALUES (?1, ?2, ?3, 1, 1)
                 ON CONFLICT (account, id) DO UPDATE SET given_up = 1")?.execute(
                params![account, id, now()],
            )?;
            let last: Option<String> = tx.prepare_cached("SELECT last FROM operations WHERE account = ?1 AND id = ?2")?.query_row(
                params![account, id],
                |row| row.get(0),
            )?;
            announce(
                &tx,
                salt,
                &subscriptions,
                EventKind::GaveUp,
                &account,
                &id,
                last.as_deref(),
                Some(&reason),
            )?;
            tx.commit()
        })
        .await
    }

    async fn unfinished(&self) -> Result<Vec<JournalRecord>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT account, id, last, given_up FROM operations WHERE terminal = 0 AND given_up = 0
                 ORDER BY account, tracked_at, id",
            )?;
            stmt.query_map([], record_row)?.collect()
        })
        .await
    }

    async fn history(&self, account: &str, id: &OperationId) -> Result<Vec<JournalEntry>> {
        let (account, id) = (account.to_owned(), id.as_str().to_owned());
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT observed_at, operation FROM history WHERE account = ?1 AND id = ?2 ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![account, id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (at, text) = row?;
                out.push(JournalEntry::new(parse_time(&at)?, decode(&text)?));
            }
            Ok(out)
        })
        .await
    }

    async fn get(&self, account: &str, id: &OperationId) -> Result<Option<JournalRecord>> {
        let (account, id) = (account.to_owned(), id.as_str().to_owned());
        self.read(move |c| {
            c.prepare_cached(
                "SELECT account, id, last, given_up FROM operations WHERE account = ?1 AND id = ?2",
            )?
            .query_row(params![account, id], record_row)
            .optional()
        })
        .await
    }

    async fn query(&self, query: &OperationQuery) -> Result<Vec<JournalRecord>> {
        let (sql, params) =
            crate::query::select("account, id, last, given_up", query, |n| format!("?{n}"));
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let values: Vec<&dyn rusqlite::ToSql> = params
                .iter()
                .map(|p| match p {
                    crate::query::Param::Text(t) => t as &dyn rusqlite::ToSql,
                    crate::query::Param::Int(i) => i as &dyn rusqlite::ToSql,
                })
                .collect();
            stmt.query_map(values.as_slice(), record_row)?.collect()
        })
        .await
    }

    async fn counts(&self) -> Result<Vec<(String, String, u64)>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT account, status, COUNT(*) FROM operations GROUP BY account, status ORDER BY account, status",
            )?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64)))?
                .collect()
        })
        .await
    }

    async fn events_after(&self, seq: u64, limit: usize) -> Result<Vec<Event>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events e WHERE e.seq > ?1 ORDER BY e.seq LIMIT ?2"
            ))?;
            stmt.query_map(params![seq as i64, limit as i64], |r| event_row(r, 0))?
                .collect()
        })
        .await
    }

    async fn event_bounds(&self) -> Result<EventBounds> {
        self.read(|c| {
            // The sequence's high-water mark survives pruning: sqlite_sequence keeps it.
            let newest: Option<i64> = c
                .query_row(
                    "SELECT seq FROM sqlite_sequence WHERE name = 'events'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            let pruned: Option<String> = c
                .query_row(
                    "SELECT value FROM meta WHERE key = 'pruned_through'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(EventBounds::new(
                newest.unwrap_or(0) as u64,
                pruned.and_then(|p| p.parse().ok()).unwrap_or(0),
            ))
        })
        .await
    }

    async fn prune_events(&self, before: DateTime<Utc>) -> Result<u64> {
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            // Everything before the first event that is recent or still needed.
            let recent: Option<i64> = tx
                .prepare_cached("SELECT MIN(seq) FROM events WHERE at >= ?1")?
                .query_row(params![stamp(before)], |r| r.get(0))?;
            let needed: Option<i64> = tx
                .prepare_cached("SELECT MIN(event_seq) FROM deliveries WHERE state = 'pending'")?
                .query_row([], |r| r.get(0))?;
            let newest: Option<i64> = tx
                .prepare_cached("SELECT MAX(seq) FROM events")?
                .query_row([], |r| r.get(0))?;
            let Some(newest) = newest else {
                return Ok(0);
            };
            let through = [recent, needed]
                .into_iter()
                .flatten()
                .map(|s| s - 1)
                .chain([newest])
                .min()
                .unwrap_or(newest);
            tx.prepare_cached("DELETE FROM deliveries WHERE event_seq <= ?1")?
                .execute(params![through])?;
            let removed = tx
                .prepare_cached("DELETE FROM events WHERE seq <= ?1")?
                .execute(params![through])?;
            if removed > 0 {
                tx.prepare_cached(
                    "INSERT INTO meta (key, value) VALUES ('pruned_through', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), ?1)",
                )?
                .execute(params![through])?;
            }
            tx.commit()?;
            Ok(removed as u64)
        })
        .await
    }

    fn subscribe(&self, subscriptions: Vec<Subscription>) {
        self.subscriptions.set(subscriptions);
    }

    async fn claim_deliveries(
        &self,
        url: &str,
        now: DateTime<Utc>,
        hold: Duration,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        let url = url.to_owned();
        let until = now + chrono::Duration::from_std(hold).unwrap_or(chrono::Duration::zero());
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let out: Vec<Delivery> = {
                let mut stmt = tx.prepare_cached(&format!(
                    "{DELIVERY_QUERY}
                     WHERE d.url = ?1 AND d.state = 'pending'
                       AND d.event_seq = (SELECT MIN(o.event_seq) FROM deliveries o
                           WHERE o.url = d.url AND o.account = d.account AND o.op_id = d.op_id
                             AND o.state = 'pending')
                       AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?2)
                       AND (d.held_until IS NULL OR d.held_until <= ?2)
                     ORDER BY d.event_seq LIMIT ?3"
                ))?;
                stmt.query_map(params![url, stamp(now), limit as i64], delivery_row)?
                    .collect::<rusqlite::Result<_>>()?
            };
            for d in &out {
                tx.prepare_cached("UPDATE deliveries SET held_until = ?2 WHERE id = ?1")?
                    .execute(params![d.id as i64, stamp(until)])?;
            }
            tx.commit()?;
            Ok(out)
        })
        .await
    }

    async fn attempted(&self, id: u64, attempt: Attempt) -> Result<()> {
        self.with(move |c| {
            let id = id as i64;
            match attempt {
                Attempt::Delivered => c.prepare_cached("UPDATE deliveries SET state = 'delivered', attempts = attempts + 1,
                         next_attempt_at = NULL, held_until = NULL WHERE id = ?1")?.execute(
                    params![id],
                ),
                Attempt::Retry { error, at } => c.prepare_cached("UPDATE deliveries SET attempts = attempts + 1, last_error = ?2,
                         next_attempt_at = ?3, held_until = NULL WHERE id = ?1")?.execute(
                    params![id, error, stamp(at)],
                ),
                Attempt::Failed { error } => c.prepare_cached("UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = ?2,
                         next_attempt_at = NULL, held_until = NULL WHERE id = ?1")?.execute(
                    params![id, error],
                ),
            }?;
            Ok(())
        })
        .await
    }

    async fn deliveries(
        &self,
        state: Option<DeliveryState>,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "{DELIVERY_QUERY} WHERE ?1 IS NULL OR d.state = ?1 ORDER BY d.id DESC LIMIT ?2"
            ))?;
            stmt.query_map(
                params![state.map(DeliveryState::as_str), limit as i64],
                delivery_row,
            )?
            .collect()
        })
        .await
    }

    async fn retry_delivery(&self, id: u64) -> Result<Option<Delivery>> {
        self.with(move |c| {
            let n = c.prepare_cached("UPDATE deliveries SET state = 'pending', next_attempt_at = ?2, held_until = NULL
                 WHERE id = ?1")?.execute(
                params![id as i64, now()],
            )?;
            if n == 0 {
                return Ok(None);
            }
            c.query_row(
                &format!("{DELIVERY_QUERY} WHERE d.id = ?1"),
                params![id as i64],
                delivery_row,
            )
            .optional()
        })
        .await
    }

    async fn pending_deliveries(&self) -> Result<u64> {
        self.read(|c| {
            c.prepare_cached("SELECT COUNT(*) FROM deliveries WHERE state = 'pending'")?
                .query_row([], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
        })
        .await
    }

    async fn discovered_at(&self, account: &str) -> Result<Option<DateTime<Utc>>> {
        let key = format!("discovered:{account}");
        self.read(move |c| {
            let text: Option<String> = c
                .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                    r.get(0)
                })
                .optional()?;
            text.as_deref().map(parse_time).transpose()
        })
        .await
    }

    async fn set_discovered_at(&self, account: &str, at: DateTime<Utc>) -> Result<()> {
        let key = format!("discovered:{account}");
        self.with(move |c| {
            c.prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = ?2",
            )?
            .execute(params![key, stamp(at)])?;
            Ok(())
        })
        .await
    }

    async fn unfinished_of(&self, account: &str) -> Result<Vec<JournalRecord>> {
        let account = account.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT account, id, last, given_up FROM operations
                 WHERE account = ?1 AND terminal = 0 AND given_up = 0 ORDER BY tracked_at, id",
            )?;
            stmt.query_map(params![account], record_row)?.collect()
        })
        .await
    }

    async fn heartbeat(&self, owner: &str, ttl: Duration) -> Result<usize> {
        let owner = owner.to_owned();
        self.with(move |c| {
            let now = Utc::now();
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.prepare_cached(
                "INSERT INTO members (owner, expires_at) VALUES (?1, ?2)
                 ON CONFLICT (owner) DO UPDATE SET expires_at = ?2",
            )?
            .execute(params![owner, stamp(now + regops_core::journal::span(ttl))])?;
            tx.prepare_cached("DELETE FROM members WHERE expires_at <= ?1")?
                .execute(params![stamp(now)])?;
            let n: i64 = tx
                .prepare_cached("SELECT COUNT(*) FROM members")?
                .query_row([], |r| r.get(0))?;
            tx.commit()?;
            Ok(n as usize)
        })
        .await
    }

    async fn claim_leases(
        &self,
        owner: &str,
        accounts: &[String],
        ttl: Duration,
        max: usize,
    ) -> Result<Vec<Lease>> {
        let (owner, accounts) = (owner.to_owned(), accounts.to_vec());
        self.with(move |c| {
            let now = Utc::now();
            let until = stamp(now + regops_core::journal::span(ttl));
            // IMMEDIATE: the write lock is taken before anything is read, so two processes
            // never both see a lease free.
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut held = 0;
            for a in &accounts {
                held += tx
                    .prepare_cached(
                        "UPDATE leases SET expires_at = ?3 WHERE account = ?1 AND owner = ?2",
                    )?
                    .execute(params![a, owner, until])?;
            }
            for a in &accounts {
                if held >= max {
                    break;
                }
                held += tx
                    .prepare_cached(
                        "INSERT INTO leases (account, owner, expires_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT (account) DO UPDATE SET owner = ?2, expires_at = ?3
                         WHERE leases.owner <> ?2 AND leases.expires_at <= ?4",
                    )?
                    .execute(params![a, owner, until, stamp(now)])?;
            }
            let mut out = Vec::new();
            for a in &accounts {
                let lease = tx
                    .prepare_cached(
                        "SELECT account, owner, expires_at FROM leases WHERE account = ?1 AND owner = ?2",
                    )?
                    .query_row(params![a, owner], lease_row)
                    .optional()?;
                out.extend(lease);
            }
            tx.commit()?;
            Ok(out)
        })
        .await
    }

    async fn release_leases(&self, owner: &str, accounts: &[String]) -> Result<()> {
        let (owner, accounts) = (owner.to_owned(), accounts.to_vec());
        self.with(move |c| {
            let tx = c.transaction()?;
            for a in &accounts {
                tx.prepare_cached("DELETE FROM leases WHERE account = ?1 AND owner = ?2")?
                    .execute(params![a, owner])?;
            }
            tx.commit()
        })
        .await
    }

    async fn report_calls(&self, owner: &str, totals: &[(String, u64, u64)]) -> Result<()> {
        let (owner, totals) = (owner.to_owned(), totals.to_vec());
        self.with(move |c| {
            let tx = c.transaction()?;
            for (account, calls, errors) in &totals {
                tx.prepare_cached(
                    "INSERT INTO calls (owner, account, calls, errors) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (owner, account) DO UPDATE SET calls = ?3, errors = ?4",
                )?
                .execute(params![
                    owner,
                    account,
                    *calls as i64,
                    *errors as i64
                ])?;
            }
            tx.commit()
        })
        .await
    }

    async fn reported_calls(&self) -> Result<Vec<(String, String, u64, u64)>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT owner, account, calls, errors FROM calls ORDER BY owner, account",
            )?;
            stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<_, i64>(2)? as u64,
                    r.get::<_, i64>(3)? as u64,
                ))
            })?
            .collect()
        })
        .await
    }

    async fn leases(&self) -> Result<Vec<Lease>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT account, owner, expires_at FROM leases ORDER BY account")?;
            stmt.query_map([], lease_row)?.collect()
        })
        .await
    }
}

fn lease_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Lease> {
    Ok(Lease {
        account: row.get(0)?,
        owner: row.get(1)?,
        expires_at: parse_time(&row.get::<_, String>(2)?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use regops_core::OperationStatus;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("regops-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("nested").join("journal.sqlite3")
    }

    #[tokio::test]
    async fn the_sqlite_journal_conforms() {
        let path = scratch("conforms");
        let journal = SqliteJournal::open(&path).unwrap();
        regops_core::journal::conformance::check(&journal).await;
        let _ = std::fs::remove_dir_all(path.parent().unwrap().parent().unwrap());
    }

    #[tokio::test]
    async fn a_journal_opened_to_read_is_read_and_never_written() {
        let dir = std::env::temp_dir().join(format!("regops-journal-ro-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("journal.sqlite3");
        let e = SqliteJournal::open_read_only(&path).unwrap_err();
        assert!(e.message().contains("no journal"), "{e}");
        assert!(!path.exists(), "nothing created");
        {
            let j = SqliteJournal::open(&path).unwrap();
            let op = Operation::new("gandi", "7", OperationStatus::Pending, "WAIT");
            j.record("g", &op).await.unwrap();
        }
        let version: usize = Connection::open(&path)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS, "MIGRATIONS counts the migrations");
        let before = std::fs::read(&path).unwrap();
        let j = SqliteJournal::open_read_only(&path).unwrap();
        assert_eq!(
            j.history("g", &OperationId::new("7")).await.unwrap().len(),
            1
        );
        let op = Operation::new("gandi", "8", OperationStatus::Pending, "WAIT");
        assert!(
            j.record("g", &op).await.is_err(),
            "a read-only journal refuses writes"
        );
        drop(j);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "the file is as it was"
        );
        // A journal of an older schema says so instead of failing on a missing column.
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        Connection::open(&path)
            .unwrap()
            .execute_batch(migrations_first_sql())
            .unwrap();
        let e = SqliteJournal::open_read_only(&path).unwrap_err();
        assert!(e.message().contains("older regops"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn what_is_recorded_survives_reopening() {
        let path = scratch("reopen");
        let id = OperationId::new("42");
        {
            let j = SqliteJournal::open(&path).unwrap();
            j.track("acct", &id).await.unwrap();
            let mut op = Operation::new("gandi", id.clone(), OperationStatus::Pending, "BILL");
            op.target = Some("example.com".into());
            j.record("acct", &op).await.unwrap();
        }
        let j = SqliteJournal::open(&path).unwrap();
        let unfinished = j.unfinished().await.unwrap();
        assert_eq!(unfinished.len(), 1);
        assert_eq!(
            unfinished[0].last.as_ref().unwrap().target.as_deref(),
            Some("example.com")
        );
        let mode: String = j
            .with(|c| {
                c.prepare_cached("PRAGMA journal_mode")?
                    .query_row([], |r| r.get(0))
            })
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let _ = std::fs::remove_dir_all(path.parent().unwrap().parent().unwrap());
    }

    #[tokio::test]
    async fn a_journal_of_the_first_schema_is_migrated_and_indexed() {
        let path = scratch("migrate");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut op = Operation::new("gandi", "7", OperationStatus::Failed, "ERROR");
        op.target = Some("old.example".into());
        op.kind = Some("domain_renew".into());
        {
            // What regops wrote before events existed: the first migration's tables, no version.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(migrations_first_sql()).unwrap();
            conn.execute(
                "INSERT INTO operations (account, id, terminal, last, tracked_at)
                 VALUES ('g', '7', 1, ?1, '2026-01-01T00:00:00Z')",
                params![encode(&op).unwrap()],
            )
            .unwrap();
        }
        let j = SqliteJournal::open(&path).unwrap();
        let mut q = OperationQuery::new(10);
        q.statuses = vec!["failed".into()];
        q.target = Some("old.example".into());
        let found = j.query(&q).await.unwrap();
        assert_eq!(
            found.len(),
            1,
            "the old row is indexed by status and target"
        );
        assert_eq!(found[0].last.as_ref(), Some(&op));
        let version: i64 = j
            .with(|c| {
                c.prepare_cached("PRAGMA user_version")?
                    .query_row([], |r| r.get(0))
            })
            .await
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS);
        // Opening again runs nothing twice.
        drop(j);
        SqliteJournal::open(&path).unwrap();
        let _ = std::fs::remove_dir_all(path.parent().unwrap().parent().unwrap());
    }

    fn migrations_first_sql() -> &'static str {
        "CREATE TABLE operations (account TEXT NOT NULL, id TEXT NOT NULL, terminal INTEGER NOT NULL DEFAULT 0,
             last TEXT, tracked_at TEXT NOT NULL, PRIMARY KEY (account, id));
         CREATE TABLE history (seq INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, id TEXT NOT NULL,
             observed_at TEXT NOT NULL, operation TEXT NOT NULL);"
    }

    #[test]
    fn the_migrations_are_valid() {
        migrations().validate().unwrap();
    }
}
