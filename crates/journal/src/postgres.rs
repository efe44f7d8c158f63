//! The journal in PostgreSQL (15 or later), shared by a fleet of `regops serve` processes.
//!
//! The schema is regops's own: versioned migrations under `migrations/postgres/`, embedded in
//! the binary by refinery and run when the journal is opened, under an advisory lock (three
//! processes starting at once migrate once). Every change is one transaction:
//! - [`record`](Journal::record) locks the operation's row, compares, and when the state
//!   changed appends the history, the event and its deliveries;
//! - an event's number is taken from a one-row counter whose lock is held to the commit, so
//!   events become visible in the order of their numbers and a reader resuming after N misses
//!   none;
//! - deliveries and leases are claimed with `FOR UPDATE SKIP LOCKED` or a conditional update,
//!   so that two processes never hold the same one;
//! - lease times are the database's clock, the one clock every process shares.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use regops_core::journal::{event_id, span, submitted_key};
use regops_core::{
    Attempt, Delivery, DeliveryState, Error, ErrorKind, Event, EventBounds, EventKind, Journal,
    JournalEntry, JournalRecord, Lease, Operation, OperationId, OperationQuery, Result,
    Subscription,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// The advisory lock key under which the schema is migrated ("regops" in ASCII).
const MIGRATION_LOCK: i64 = 0x7265_676f_7073;

/// How long a call waits for a connection (or for the database to come back) before it fails;
/// the tracker then reads and writes again later.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The journal in a PostgreSQL database.
#[derive(Clone)]
pub struct PgJournal {
    pool: Pool,
    /// Where it is, without credentials (for messages).
    shown: String,
    salt: u32,
    subscriptions: crate::subscriptions::Subscriptions,
}

impl std::fmt::Debug for PgJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgJournal")
            .field("database", &self.shown)
            .finish_non_exhaustive()
    }
}

fn db_error(what: &str, e: tokio_postgres::Error) -> Error {
    // A database's own error (a constraint, a syntax) is not worth retrying; a connection
    // that failed or closed is.
    match e.as_db_error() {
        Some(db) => Error::new(
            ErrorKind::Protocol,
            format!("journal: {what}: {} ({})", db.message(), db.code().code()),
        ),
        None => {
            // The connection error's cause (refused, timed out, TLS) is in its source.
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                text = format!("{text}: {cause}");
                source = cause.source();
            }
            Error::transport(true, format!("journal: {what}: {text}"))
        }
    }
}

fn statement(e: tokio_postgres::Error) -> Error {
    db_error("a statement", e)
}

fn pool_error(e: deadpool_postgres::PoolError) -> Error {
    match e {
        deadpool_postgres::PoolError::Backend(e) => db_error("connecting", e),
        other => Error::transport(
            false,
            format!("journal: no connection to the database: {other}"),
        ),
    }
}

fn protocol(message: String) -> Error {
    Error::new(ErrorKind::Protocol, format!("journal: {message}"))
}

fn encode(op: &Operation) -> Result<String> {
    serde_json::to_string(op).map_err(|e| protocol(format!("encoding an operation: {e}")))
}

fn decode(text: &str) -> Result<Operation> {
    serde_json::from_str(text).map_err(|e| protocol(format!("a stored operation: {e}")))
}

/// An instant as text that sorts as time does (RFC 3339, microseconds, UTC).
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// `ttl` in seconds, for `make_interval`.
fn seconds(ttl: Duration) -> f64 {
    span(ttl).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6
}

/// The rows of `sql` (prepared once per connection).
async fn rows(
    c: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>> {
    let stmt = c.prepare_cached(sql).await.map_err(statement)?;
    c.query(&stmt, params).await.map_err(statement)
}

/// The one row of `sql`.
async fn row(c: &impl GenericClient, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row> {
    let stmt = c.prepare_cached(sql).await.map_err(statement)?;
    c.query_one(&stmt, params).await.map_err(statement)
}

/// Runs `sql`; answers how many rows it touched.
async fn exec(c: &impl GenericClient, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
    let stmt = c.prepare_cached(sql).await.map_err(statement)?;
    c.execute(&stmt, params).await.map_err(statement)
}

fn get<'a, T: tokio_postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> Result<T> {
    row.try_get(i)
        .map_err(|e| protocol(format!("reading a column: {e}")))
}

/// A TLS connector that verifies the server with the platform's roots (used when the URL's
/// `sslmode` asks for TLS or prefers it and the server offers it).
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::invalid_input(format!("journal: setting up TLS: {e}")))?
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

impl PgJournal {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`, with
    /// libpq's parameters such as `sslmode=require`), bringing the schema up to date.
    pub async fn connect(url: &str) -> Result<Self> {
        let mut config = tokio_postgres::Config::from_str(url).map_err(|e| {
            // The URL can hold a password: the message says what is wrong, never the URL.
            Error::invalid_input(format!("the PostgreSQL URL does not parse: {e}"))
        })?;
        config.application_name("regops");
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        // A database that stops answering (a network partition rather than a refusal) fails
        // the calls in seconds instead of hanging them.
        config.keepalives_idle(Duration::from_secs(10));
        #[cfg(target_os = "linux")]
        if config.get_tcp_user_timeout().is_none() {
            config.tcp_user_timeout(Duration::from_secs(15));
        }
        let ports = config.get_ports();
        let hosts: Vec<String> = config
            .get_hosts()
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let host = match h {
                    tokio_postgres::config::Host::Tcp(h) => h.clone(),
                    #[cfg(unix)]
                    tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
                };
                let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
                format!("{host}:{port}")
            })
            .collect();
        let shown = format!(
            "postgres://{}/{}",
            hosts.join(","),
            config.get_dbname().unwrap_or("")
        );
        let manager = Manager::from_config(
            config,
            tls()?,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| Error::invalid_input(format!("journal: the connection pool: {e}")))?;
        let mut client = pool.get().await.map_err(|e| {
            let e = pool_error(e);
            let cause = e.message().trim_start_matches("journal: ").to_owned();
            e.with_message(format!("journal: {shown}: {cause}"))
        })?;
        // One process migrates at a time; the others wait, then find nothing to do.
        exec(&client, "SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).await?;
        let migrated = embedded::migrations::runner()
            .run_async(&mut **client)
            .await
            .map_err(|e| protocol(format!("migrating the schema: {e}")));
        exec(&client, "SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).await?;
        migrated?;
        exec(
            &client,
            "INSERT INTO meta (key, value) VALUES ('salt', $1) ON CONFLICT DO NOTHING",
            &[&regops_core::journal::new_salt().to_string()],
        )
        .await?;
        let salt: String = get(
            &row(&client, "SELECT value FROM meta WHERE key = 'salt'", &[]).await?,
            0,
        )?;
        drop(client);
        Ok(PgJournal {
            pool,
            shown,
            salt: salt.parse().unwrap_or(0),
            subscriptions: Default::default(),
        })
    }

    /// Where it is, without credentials.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// How many migrations the schema has.
    pub fn migrations() -> usize {
        embedded::migrations::runner().get_migrations().len()
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(pool_error)
    }
}

/// Appends an event and its deliveries to the open transaction.
#[allow(clippy::too_many_arguments)]
async fn announce(
    tx: &deadpool_postgres::Transaction<'_>,
    salt: u32,
    subscriptions: &[Subscription],
    kind: EventKind,
    account: &str,
    op_id: &str,
    operation: Option<&str>,
    error: Option<&str>,
) -> Result<()> {
    let seq: i64 = get(
        &row(
            tx,
            "UPDATE event_sequence SET newest = newest + 1 RETURNING newest",
            &[],
        )
        .await?,
        0,
    )?;
    let at = Utc::now();
    exec(
        tx,
        "INSERT INTO events (seq, id, kind, at, account, op_id, operation, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &seq,
            &event_id(salt, seq as u64),
            &kind.as_str(),
            &at,
            &account,
            &op_id,
            &operation,
            &error,
        ],
    )
    .await?;
    for s in subscriptions.iter().filter(|s| s.wants(kind, account)) {
        exec(
            tx,
            "INSERT INTO deliveries (url, event_seq, account, op_id, state, next_attempt_at)
             VALUES ($1, $2, $3, $4, 'pending', $5)",
            &[&s.url, &seq, &account, &op_id, &at],
        )
        .await?;
    }
    Ok(())
}

const EVENT_COLUMNS: &str = "e.seq, e.id, e.kind, e.at, e.account, e.op_id, e.operation, e.error";

fn event_row(row: &Row, at: usize) -> Result<Event> {
    let kind: String = get(row, at + 2)?;
    let operation: Option<String> = get(row, at + 6)?;
    Ok(Event {
        seq: get::<i64>(row, at)? as u64,
        id: get(row, at + 1)?,
        kind: EventKind::parse(&kind)
            .ok_or_else(|| protocol(format!("unknown event kind {kind}")))?,
        at: get(row, at + 3)?,
        account: get(row, at + 4)?,
        operation_id: OperationId::new(get::<String>(row, at + 5)?),
        operation: operation.as_deref().map(decode).transpose()?,
        error: get(row, at + 7)?,
    })
}

const DELIVERY_QUERY: &str =
    "SELECT d.id, d.url, d.state, d.attempts, d.last_error, d.next_attempt_at,
     e.seq, e.id, e.kind, e.at, e.account, e.op_id, e.operation, e.error
     FROM deliveries d JOIN events e ON e.seq = d.event_seq";

fn delivery_row(row: &Row) -> Result<Delivery> {
    let state: String = get(row, 2)?;
    Ok(Delivery {
        id: get::<i64>(row, 0)? as u64,
        url: get(row, 1)?,
        event: event_row(row, 6)?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| protocol(format!("unknown delivery state {state}")))?,
        attempts: get::<i32>(row, 3)? as u32,
        last_error: get(row, 4)?,
        next_attempt_at: get(row, 5)?,
    })
}

const RECORD_COLUMNS: &str = "account, id, last, given_up";

fn record_row(row: &Row) -> Result<JournalRecord> {
    let last: Option<String> = get(row, 2)?;
    Ok(JournalRecord::new(
        get::<String>(row, 0)?,
        OperationId::new(get::<String>(row, 1)?),
        last.as_deref().map(decode).transpose()?,
    )
    .with_given_up(get(row, 3)?))
}

fn lease_row(row: &Row) -> Result<Lease> {
    Ok(Lease {
        account: get(row, 0)?,
        owner: get(row, 1)?,
        expires_at: get(row, 2)?,
    })
}

fn each<T>(rows: Vec<Row>, f: fn(&Row) -> Result<T>) -> Result<Vec<T>> {
    rows.iter().map(f).collect()
}

#[async_trait]
impl Journal for PgJournal {
    async fn track(&self, account: &str, id: &OperationId) -> Result<bool> {
        let c = self.client().await?;
        let found = row(
            &c,
            "INSERT INTO operations (account, id) VALUES ($1, $2)
             ON CONFLICT (account, id) DO UPDATE SET given_up = false
             RETURNING (xmax = 0)",
            &[&account, &id.as_str()],
        )
        .await?;
        get(&found, 0)
    }

    async fn record(&self, account: &str, op: &Operation) -> Result<bool> {
        let encoded = encode(op)?;
        let id = op.id.as_str();
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(statement)?;
        exec(
            &tx,
            "INSERT INTO operations (account, id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&account, &id],
        )
        .await?;
        // The row's lock orders two processes recording the same operation: the second sees
        // what the first wrote, so one change is announced once.
        let last: Option<String> = get(
            &row(
                &tx,
                "SELECT last FROM operations WHERE account = $1 AND id = $2 FOR UPDATE",
                &[&account, &id],
            )
            .await?,
            0,
        )?;
        let changed = match last {
            Some(text) => op.changed_from(&decode(&text)?),
            None => true,
        };
        exec(
            &tx,
            "UPDATE operations SET terminal = $3, last = $4, status = $5, kind = $6, target = $7,
                 submitted = $8
             WHERE account = $1 AND id = $2",
            &[
                &account,
                &id,
                &op.is_terminal(),
                &encoded,
                &op.status.as_str(),
                &op.kind,
                &op.target,
                &submitted_key(Some(op)),
            ],
        )
        .await?;
        if changed {
            exec(
                &tx,
                "INSERT INTO history (account, id, observed_at, operation) VALUES ($1, $2, $3, $4)",
                &[&account, &id, &Utc::now(), &encoded],
            )
            .await?;
            announce(
                &tx,
                self.salt,
                &self.subscriptions.current(),
                EventKind::of_change(op),
                account,
                id,
                Some(&encoded),
                None,
            )
            .await?;
        }
        tx.commit().await.map_err(statement)?;
        Ok(changed)
    }

    async fn give_up(&self, account: &str, id: &OperationId, reason: &str) -> Result<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(statement)?;
        let last: Option<String> = get(
            &row(
                &tx,
                "INSERT INTO operations (account, id, given_up) VALUES ($1, $2, true)
                 ON CONFLICT (account, id) DO UPDATE SET given_up = true
                 RETURNING last",
                &[&account, &id.as_str()],
            )
            .await?,
            0,
        )?;
        announce(
            &tx,
            self.salt,
            &self.subscriptions.current(),
            EventKind::GaveUp,
            account,
            id.as_str(),
            last.as_deref(),
            Some(reason),
        )
        .await?;
        tx.commit().await.map_err(statement)
    }

    async fn unfinished(&self) -> Result<Vec<JournalRecord>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM operations WHERE NOT terminal AND NOT given_up
             ORDER BY account, tracked_at, id"
        );
        each(rows(&c, &sql, &[]).await?, record_row)
    }

    async fn unfinished_of(&self, account: &str) -> Result<Vec<JournalRecord>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM operations
             WHERE account = $1 AND NOT terminal AND NOT given_up ORDER BY tracked_at, id"
        );
        each(rows(&c, &sql, &[&account]).await?, record_row)
    }

    async fn history(&self, account: &str, id: &OperationId) -> Result<Vec<JournalEntry>> {
        let c = self.client().await?;
        let found = rows(
            &c,
            "SELECT observed_at, operation FROM history WHERE account = $1 AND id = $2 ORDER BY seq",
            &[&account, &id.as_str()],
        )
        .await?;
        found
            .iter()
            .map(|r| {
                Ok(JournalEntry::new(
                    get(r, 0)?,
                    decode(&get::<String>(r, 1)?)?,
                ))
            })
            .collect()
    }

    async fn get(&self, account: &str, id: &OperationId) -> Result<Option<JournalRecord>> {
        let c = self.client().await?;
        let sql = format!("SELECT {RECORD_COLUMNS} FROM operations WHERE account = $1 AND id = $2");
        let found = rows(&c, &sql, &[&account, &id.as_str()]).await?;
        found.first().map(record_row).transpose()
    }

    async fn query(&self, q: &OperationQuery) -> Result<Vec<JournalRecord>> {
        let (sql, params) = crate::query::select(RECORD_COLUMNS, q, |n| format!("${n}"));
        let values: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|p| match p {
                crate::query::Param::Text(t) => t as &(dyn ToSql + Sync),
                crate::query::Param::Int(i) => i as &(dyn ToSql + Sync),
            })
            .collect();
        let c = self.client().await?;
        each(rows(&c, &sql, &values).await?, record_row)
    }

    async fn counts(&self) -> Result<Vec<(String, String, u64)>> {
        let c = self.client().await?;
        let found = rows(
            &c,
            "SELECT account, status, COUNT(*) FROM operations GROUP BY account, status
             ORDER BY account, status",
            &[],
        )
        .await?;
        found
            .iter()
            .map(|r| Ok((get(r, 0)?, get(r, 1)?, get::<i64>(r, 2)? as u64)))
            .collect()
    }

    async fn events_after(&self, seq: u64, limit: usize) -> Result<Vec<Event>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2"
        );
        let found = rows(&c, &sql, &[&(seq as i64), &(limit as i64)]).await?;
        found.iter().map(|r| event_row(r, 0)).collect()
    }

    async fn event_bounds(&self) -> Result<EventBounds> {
        let c = self.client().await?;
        let r = row(&c, "SELECT newest, pruned_through FROM event_sequence", &[]).await?;
        Ok(EventBounds::new(
            get::<i64>(&r, 0)? as u64,
            get::<i64>(&r, 1)? as u64,
        ))
    }

    async fn prune_events(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(statement)?;
        // Everything before the first event that is recent or still needed, up to the newest.
        let through: Option<i64> = get(
            &row(
                &tx,
                "SELECT LEAST(
                     (SELECT MIN(seq) - 1 FROM events WHERE at >= $1),
                     (SELECT MIN(event_seq) - 1 FROM deliveries WHERE state = 'pending'),
                     (SELECT MAX(seq) FROM events))",
                &[&before],
            )
            .await?,
            0,
        )?;
        let Some(through) = through else {
            return Ok(0);
        };
        exec(
            &tx,
            "DELETE FROM deliveries WHERE event_seq <= $1",
            &[&through],
        )
        .await?;
        let removed = exec(&tx, "DELETE FROM events WHERE seq <= $1", &[&through]).await?;
        if removed > 0 {
            exec(
                &tx,
                "UPDATE event_sequence SET pruned_through = GREATEST(pruned_through, $1)",
                &[&through],
            )
            .await?;
        }
        tx.commit().await.map_err(statement)?;
        Ok(removed)
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
        let until = now + span(hold);
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(statement)?;
        // Rows another process is claiming are skipped, not waited for; what it claimed is
        // held once it commits, so nobody hands a delivery out twice.
        let claimed = rows(
            &tx,
            "WITH due AS (
                 SELECT d.id FROM deliveries d
                 WHERE d.url = $1 AND d.state = 'pending'
                   AND d.event_seq = (SELECT MIN(o.event_seq) FROM deliveries o
                       WHERE o.url = d.url AND o.account = d.account AND o.op_id = d.op_id
                         AND o.state = 'pending')
                   AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= $2)
                   AND (d.held_until IS NULL OR d.held_until <= $2)
                 ORDER BY d.event_seq LIMIT $3
                 FOR UPDATE OF d SKIP LOCKED)
             UPDATE deliveries SET held_until = $4 FROM due WHERE deliveries.id = due.id
             RETURNING deliveries.id",
            &[&url, &now, &(limit as i64), &until],
        )
        .await?;
        let ids: Vec<i64> = claimed.iter().map(|r| get(r, 0)).collect::<Result<_>>()?;
        let sql = format!("{DELIVERY_QUERY} WHERE d.id = ANY($1) ORDER BY d.event_seq");
        let found = rows(&tx, &sql, &[&ids]).await?;
        tx.commit().await.map_err(statement)?;
        each(found, delivery_row)
    }

    async fn attempted(&self, id: u64, attempt: Attempt) -> Result<()> {
        let c = self.client().await?;
        let id = id as i64;
        match &attempt {
            Attempt::Delivered => {
                exec(
                    &c,
                    "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1,
                         next_attempt_at = NULL, held_until = NULL WHERE id = $1",
                    &[&id],
                )
                .await
            }
            Attempt::Retry { error, at } => {
                exec(
                    &c,
                    "UPDATE deliveries SET attempts = attempts + 1, last_error = $2,
                         next_attempt_at = $3, held_until = NULL WHERE id = $1",
                    &[&id, error, at],
                )
                .await
            }
            Attempt::Failed { error } => {
                exec(
                    &c,
                    "UPDATE deliveries SET state = 'failed', attempts = attempts + 1,
                         last_error = $2, next_attempt_at = NULL, held_until = NULL WHERE id = $1",
                    &[&id, error],
                )
                .await
            }
        }?;
        Ok(())
    }

    async fn deliveries(
        &self,
        state: Option<DeliveryState>,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        let c = self.client().await?;
        let sql = format!(
            "{DELIVERY_QUERY} WHERE $1::text IS NULL OR d.state = $1 ORDER BY d.id DESC LIMIT $2"
        );
        let found = rows(
            &c,
            &sql,
            &[&state.map(DeliveryState::as_str), &(limit as i64)],
        )
        .await?;
        each(found, delivery_row)
    }

    async fn retry_delivery(&self, id: u64) -> Result<Option<Delivery>> {
        let c = self.client().await?;
        let id = id as i64;
        let n = exec(
            &c,
            "UPDATE deliveries SET state = 'pending', next_attempt_at = $2, held_until = NULL
             WHERE id = $1",
            &[&id, &Utc::now()],
        )
        .await?;
        if n == 0 {
            return Ok(None);
        }
        let sql = format!("{DELIVERY_QUERY} WHERE d.id = $1");
        let found = rows(&c, &sql, &[&id]).await?;
        found.first().map(delivery_row).transpose()
    }

    async fn pending_deliveries(&self) -> Result<u64> {
        let c = self.client().await?;
        let r = row(
            &c,
            "SELECT COUNT(*) FROM deliveries WHERE state = 'pending'",
            &[],
        )
        .await?;
        Ok(get::<i64>(&r, 0)? as u64)
    }

    async fn discovered_at(&self, account: &str) -> Result<Option<DateTime<Utc>>> {
        let c = self.client().await?;
        let found = rows(
            &c,
            "SELECT value FROM meta WHERE key = $1",
            &[&format!("discovered:{account}")],
        )
        .await?;
        let Some(r) = found.first() else {
            return Ok(None);
        };
        let text: String = get(r, 0)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|e| protocol(format!("a stored time does not parse: {e}")))
    }

    async fn set_discovered_at(&self, account: &str, at: DateTime<Utc>) -> Result<()> {
        let c = self.client().await?;
        exec(
            &c,
            "INSERT INTO meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&format!("discovered:{account}"), &stamp(at)],
        )
        .await?;
        Ok(())
    }

    async fn heartbeat(&self, owner: &str, ttl: Duration) -> Result<usize> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(statement)?;
        exec(
            &tx,
            "INSERT INTO members (owner, expires_at) VALUES ($1, now() + make_interval(secs => $2))
             ON CONFLICT (owner) DO UPDATE SET expires_at = EXCLUDED.expires_at",
            &[&owner, &seconds(ttl)],
        )
        .await?;
        exec(&tx, "DELETE FROM members WHERE expires_at <= now()", &[]).await?;
        let n: i64 = get(&row(&tx, "SELECT COUNT(*) FROM members", &[]).await?, 0)?;
        tx.commit().await.map_err(statement)?;
        Ok(n as usize)
    }

    async fn claim_leases(
        &self,
        owner: &str,
        accounts: &[String],
        ttl: Duration,
        max: usize,
    ) -> Result<Vec<Lease>> {
        let secs = seconds(ttl);
        let mut c = self.client().await?;
        // Accounts never leased get a row that nobody holds, in a transaction of its own: an
        // insert waits for a conflicting row that another claim is writing, and within the
        // claim below that wait could close a cycle.
        exec(
            &c,
            "INSERT INTO leases (account, owner, expires_at)
             SELECT a, '', '-infinity' FROM unnest($1::text[]) AS a
             WHERE NOT EXISTS (SELECT 1 FROM leases l WHERE l.account = a)
             ON CONFLICT (account) DO NOTHING",
            &[&accounts],
        )
        .await?;
        let tx = c.transaction().await.map_err(statement)?;
        let renewed = exec(
            &tx,
            "UPDATE leases SET expires_at = now() + make_interval(secs => $3)
             WHERE owner = $1 AND account = ANY($2)",
            &[&owner, &accounts, &secs],
        )
        .await? as usize;
        if renewed < max {
            // Free or expired rows are taken, skipping those another process is claiming at
            // this moment (never waiting for it).
            exec(
                &tx,
                "WITH free AS (
                     SELECT account FROM leases
                     WHERE account = ANY($2) AND expires_at <= now()
                     ORDER BY account LIMIT $4
                     FOR UPDATE SKIP LOCKED)
                 UPDATE leases SET owner = $1, expires_at = now() + make_interval(secs => $3)
                 FROM free WHERE leases.account = free.account",
                &[&owner, &accounts, &secs, &((max - renewed) as i64)],
            )
            .await?;
        }
        let held = rows(
            &tx,
            "SELECT account, owner, expires_at FROM leases
             WHERE owner = $1 AND account = ANY($2) ORDER BY account",
            &[&owner, &accounts],
        )
        .await?;
        tx.commit().await.map_err(statement)?;
        each(held, lease_row)
    }

    async fn release_leases(&self, owner: &str, accounts: &[String]) -> Result<()> {
        let c = self.client().await?;
        exec(
            &c,
            "DELETE FROM leases WHERE owner = $1 AND account = ANY($2)",
            &[&owner, &accounts],
        )
        .await?;
        Ok(())
    }

    async fn report_calls(&self, owner: &str, totals: &[(String, u64, u64)]) -> Result<()> {
        let accounts: Vec<&str> = totals.iter().map(|t| t.0.as_str()).collect();
        let calls: Vec<i64> = totals.iter().map(|t| t.1 as i64).collect();
        let errors: Vec<i64> = totals.iter().map(|t| t.2 as i64).collect();
        let c = self.client().await?;
        exec(
            &c,
            "INSERT INTO calls (owner, account, calls, errors)
             SELECT $1, a, c, e FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS t (a, c, e)
             ON CONFLICT (owner, account) DO UPDATE SET calls = EXCLUDED.calls,
                 errors = EXCLUDED.errors",
            &[&owner, &accounts, &calls, &errors],
        )
        .await?;
        Ok(())
    }

    async fn reported_calls(&self) -> Result<Vec<(String, String, u64, u64)>> {
        let c = self.client().await?;
        let found = rows(
            &c,
            "SELECT owner, account, calls, errors FROM calls ORDER BY owner, account",
            &[],
        )
        .await?;
        found
            .iter()
            .map(|r| {
                Ok((
                    get(r, 0)?,
                    get(r, 1)?,
                    get::<i64>(r, 2)? as u64,
                    get::<i64>(r, 3)? as u64,
                ))
            })
            .collect()
    }

    async fn leases(&self) -> Result<Vec<Lease>> {
        let c = self.client().await?;
        let found = rows(
            &c,
            "SELECT account, owner, expires_at FROM leases WHERE owner <> '' ORDER BY account",
            &[],
        )
        .await?;
        each(found, lease_row)
    }
}
