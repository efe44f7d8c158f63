//! The durable journal of regops: every operation put under tracking, its last known state and
//! the history of its changes, in an SQLite database.
//!
//! [`SqliteJournal`] implements [`regops_core::Journal`]. The database is opened in WAL mode (a
//! reader never blocks the writer, and a crash loses at most the transaction under way); every
//! [`record`](regops_core::Journal::record) is one transaction that compares the new state with
//! the last one and, when it changed, updates the operation and appends to its history. Several
//! processes may share a file: SQLite serializes their writes (with a busy timeout).
//!
//! ```no_run
//! # async fn demo() -> regops_core::Result<()> {
//! use regops_core::{Journal, OperationId};
//! let journal = regops_journal::SqliteJournal::open(&regops_journal::default_path()?)?;
//! journal.track("gandi", &OperationId::new("4200003")).await?;
//! for record in journal.unfinished().await? {
//!     println!("{} {}", record.account, record.id);
//! }
//! # Ok(()) }
//! ```

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use regops_core::{Error, Journal, JournalEntry, JournalRecord, Operation, OperationId, Result};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The environment variable naming the journal file.
pub const PATH_VARIABLE: &str = "REGOPS_JOURNAL";

/// Where the journal lives by default: `$REGOPS_JOURNAL`, else
/// `$XDG_DATA_HOME/regops/journal.sqlite3`, else `$HOME/.local/share/regops/journal.sqlite3`.
pub fn default_path() -> Result<PathBuf> {
    default_path_from(|name| std::env::var_os(name))
}

/// [`default_path`] with the variables read through `lookup`.
pub fn default_path_from(lookup: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<PathBuf> {
    let var = |name: &str| lookup(name).filter(|v| !v.is_empty());
    if let Some(p) = var(PATH_VARIABLE) {
        return Ok(PathBuf::from(p));
    }
    let data = match (var("XDG_DATA_HOME"), var("HOME")) {
        (Some(d), _) => PathBuf::from(d),
        (None, Some(home)) => PathBuf::from(home).join(".local").join("share"),
        (None, None) => {
            return Err(Error::invalid_input(format!(
                "no place for the journal: set {PATH_VARIABLE}, XDG_DATA_HOME or HOME"
            )));
        }
    };
    Ok(data.join("regops").join("journal.sqlite3"))
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS operations (
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
CREATE INDEX IF NOT EXISTS unfinished ON operations (terminal);
";

/// The journal in an SQLite file.
#[derive(Clone)]
pub struct SqliteJournal {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
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
    /// Opens (creating it and its folder when needed) the journal at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| db_error(&format!("creating {}", dir.display()), e))?;
        }
        let conn = Connection::open(path)
            .map_err(|e| db_error(&format!("opening {}", path.display()), e))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(|e| db_error("setting the busy timeout", e))?;
        conn.execute_batch(SCHEMA)
            .map_err(|e| db_error("creating the tables", e))?;
        Ok(SqliteJournal {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_owned(),
        })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the connection on a blocking thread.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| db_error("the journal thread", e))?
        .map_err(|e| db_error("a statement", e))
    }
}

fn encode(op: &Operation) -> rusqlite::Result<String> {
    serde_json::to_string(op).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

fn decode(text: &str) -> rusqlite::Result<Operation> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

#[async_trait]
impl Journal for SqliteJournal {
    async fn track(&self, account: &str, id: &OperationId) -> Result<bool> {
        let (account, id) = (account.to_owned(), id.as_str().to_owned());
        self.with(move |c| {
            let n = c.execute(
                "INSERT OR IGNORE INTO operations (account, id, tracked_at) VALUES (?1, ?2, ?3)",
                params![account, id, now()],
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn record(&self, account: &str, op: &Operation) -> Result<bool> {
        let account = account.to_owned();
        let op = op.clone();
        self.with(move |c| {
            let tx = c.transaction()?;
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
            tx.execute(
                "INSERT INTO operations (account, id, terminal, last, tracked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account, id) DO UPDATE SET terminal = ?3, last = ?4",
                params![account, id, op.is_terminal(), encoded, now()],
            )?;
            if changed {
                tx.execute(
                    "INSERT INTO history (account, id, observed_at, operation) VALUES (?1, ?2, ?3, ?4)",
                    params![account, id, now(), encoded],
                )?;
            }
            tx.commit()?;
            Ok(changed)
        })
        .await
    }

    async fn unfinished(&self) -> Result<Vec<JournalRecord>> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT account, id, last FROM operations WHERE terminal = 0 ORDER BY account, tracked_at, id",
            )?;
            let rows = stmt.query_map([], |row| {
                let last: Option<String> = row.get(2)?;
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, last))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (account, id, last) = row?;
                let last = last.as_deref().map(decode).transpose()?;
                out.push(JournalRecord::new(account, OperationId::new(id), last));
            }
            Ok(out)
        })
        .await
    }

    async fn history(&self, account: &str, id: &OperationId) -> Result<Vec<JournalEntry>> {
        let (account, id) = (account.to_owned(), id.as_str().to_owned());
        self.with(move |c| {
            let mut stmt = c.prepare(
                "SELECT observed_at, operation FROM history WHERE account = ?1 AND id = ?2 ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![account, id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (at, text) = row?;
                let at = DateTime::parse_from_rfc3339(&at)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
                    })?;
                out.push(JournalEntry::new(at, decode(&text)?));
            }
            Ok(out)
        })
        .await
    }
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
            .with(|c| c.query_row("PRAGMA journal_mode", [], |r| r.get(0)))
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let _ = std::fs::remove_dir_all(path.parent().unwrap().parent().unwrap());
    }

    #[test]
    fn the_default_path_follows_the_variables() {
        let from = |vars: &[(&str, &str)]| {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            default_path_from(move |n| {
                vars.iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            })
        };
        assert_eq!(
            from(&[("REGOPS_JOURNAL", "/j.db"), ("HOME", "/h")]).unwrap(),
            PathBuf::from("/j.db")
        );
        assert_eq!(
            from(&[("XDG_DATA_HOME", "/d"), ("HOME", "/h")]).unwrap(),
            PathBuf::from("/d/regops/journal.sqlite3")
        );
        assert_eq!(
            from(&[("HOME", "/h"), ("XDG_DATA_HOME", "")]).unwrap(),
            PathBuf::from("/h/.local/share/regops/journal.sqlite3")
        );
        assert!(from(&[]).is_err());
    }
}
