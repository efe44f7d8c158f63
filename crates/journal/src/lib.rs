//! The durable journal of regops: every operation put under tracking, its last known state, the
//! history of its changes, the events that announce them and the webhook outbox, in an SQLite
//! database.
//!
//! [`SqliteJournal`] implements [`regops_core::Journal`]. The database is opened in WAL mode (a
//! reader never blocks the writer, and a crash loses at most the transaction under way); every
//! [`record`](regops_core::Journal::record) is one transaction that compares the new state with
//! the last one and, when it changed, updates the operation and appends to its history, to the
//! event sequence and to the outbox. The schema is versioned (`rusqlite_migration`, SQLite's
//! `user_version`); an older journal is migrated when it is opened. Several
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

mod query;
mod sqlite;
mod subscriptions;
pub use sqlite::SqliteJournal;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
pub use postgres::PgJournal;

use regops_core::{Error, Result};
use std::path::PathBuf;

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

#[cfg(test)]
mod tests {
    use super::*;

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
