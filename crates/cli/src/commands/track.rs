//! `regops track ID...`, `regops track --resume`, `regops history ID`, and the following of
//! operations that `ops wait` shares with them: the tracker, one progress line per operation,
//! the final states on stdout and the exit code of docs/cli.md.

use crate::args::{HistoryArgs, TrackArgs};
use crate::commands::io;
use crate::config::Config;
use crate::exit::{CliError, Exit};
use crate::output::{self, OperationJson};
use crate::progress::{Bar, Progress};
use regops_core::{
    Backend, Journal, Operation, OperationId, OperationStatus, Tracker, TrackerEvent,
    TrackerOptions,
};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The tracker options of the command line: reads between 1 s and 60 s apart, and the
/// `--timeout` when given.
pub(crate) fn options(timeout: Option<&str>) -> Result<TrackerOptions, CliError> {
    let mut o = TrackerOptions::new().intervals(Duration::from_secs(1), Duration::from_secs(60));
    if let Some(t) = timeout {
        o = o.deadline(crate::parse::duration(t).map_err(CliError::usage)?);
    }
    Ok(o)
}

/// How following one operation ended.
pub(crate) enum Ending {
    /// It reached a terminal status.
    Ended,
    /// The deadline passed first.
    TimedOut,
    /// The tracker gave it up.
    GaveUp(regops_core::Error),
}

/// What became of one followed operation: its last state seen, when following it stopped, how.
pub(crate) struct Outcome {
    pub last: Option<Operation>,
    /// Read by the demo's summary only.
    #[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
    pub at: Instant,
    pub ending: Ending,
}

/// One progress line per operation, keyed by account and id.
pub(crate) type Bars = BTreeMap<(String, OperationId), Bar>;

/// Runs `tracker`, showing its events on `bars`; answers each operation's outcome.
pub(crate) async fn run(tracker: Tracker, bars: &Bars) -> BTreeMap<(String, OperationId), Outcome> {
    use futures::StreamExt;
    let mut last: BTreeMap<(String, OperationId), Operation> = BTreeMap::new();
    let mut outcomes = BTreeMap::new();
    let mut events = tracker.run();
    while let Some(event) = events.next().await {
        let (key, ending) = match event {
            TrackerEvent::Changed { account, operation } => {
                let key = (account, operation.id.clone());
                if let Some(bar) = bars.get(&key) {
                    bar.update(&operation);
                }
                last.insert(key, operation);
                continue;
            }
            TrackerEvent::Finished { account, operation } => {
                let key = (account, operation.id.clone());
                if let Some(bar) = bars.get(&key) {
                    bar.finish(&operation);
                }
                last.insert(key.clone(), operation);
                (key, Ending::Ended)
            }
            TrackerEvent::Retrying {
                account,
                error,
                retry_in,
            } => {
                for (key, bar) in bars {
                    if key.0 == account && !outcomes.contains_key(key) {
                        bar.retrying(&error, retry_in);
                    }
                }
                continue;
            }
            TrackerEvent::GaveUp { account, id, error } => {
                let key = (account, id);
                if let Some(bar) = bars.get(&key) {
                    bar.failed(&error);
                }
                (key, Ending::GaveUp(error))
            }
            TrackerEvent::TimedOut { account, id, .. } => {
                let key = (account, id);
                if let Some(bar) = bars.get(&key) {
                    bar.deadline();
                }
                (key, Ending::TimedOut)
            }
            _ => continue,
        };
        let outcome = Outcome {
            last: last.remove(&key),
            at: Instant::now(),
            ending,
        };
        outcomes.insert(key, outcome);
    }
    outcomes
}

/// Puts `ids` of `account` under tracking; answers them as the (account, id) pairs followed.
pub(crate) async fn track_all(
    tracker: &mut Tracker,
    account: &str,
    ids: &[String],
) -> Result<Vec<(String, OperationId)>, CliError> {
    let mut followed = Vec::with_capacity(ids.len());
    for id in ids {
        let id = OperationId::new(id.trim());
        tracker
            .track(account, id.clone())
            .await
            .map_err(|e| CliError::api(e.message().to_owned()))?;
        followed.push((account.to_owned(), id));
    }
    Ok(followed)
}

/// Runs `tracker` (following `followed`, in that order) with one progress line each, prints
/// the final states, and answers the exit code: 4 when something timed out, 3 when something
/// was given up, 1 when something failed or was cancelled, 0 otherwise.
pub(crate) async fn follow(
    tracker: Tracker,
    followed: &[(String, OperationId)],
    json: bool,
    out: &mut dyn Write,
) -> Result<Exit, CliError> {
    let progress = Progress::new();
    let bars: Bars = followed
        .iter()
        .map(|(account, id)| {
            let bar = progress.add_labelled(format!("{account} {id}"));
            ((account.clone(), id.clone()), bar)
        })
        .collect();
    let outcomes = run(tracker, &bars).await;
    progress.clear();

    let mut ordered: Vec<(&String, &Operation)> = Vec::new();
    let mut timed_out = Vec::new();
    let mut given_up = Vec::new();
    for key in followed {
        let Some(outcome) = outcomes.get(key) else {
            continue;
        };
        let (account, id) = key;
        if let Some(op) = &outcome.last {
            ordered.push((account, op));
        }
        match &outcome.ending {
            Ending::Ended => {}
            Ending::TimedOut => timed_out.push(format!("{account} {id}")),
            Ending::GaveUp(error) => given_up.push(format!("{account} {id}: {error}")),
        }
    }
    if json {
        let v: Vec<OperationJson> = ordered
            .iter()
            .map(|(a, op)| OperationJson::new(a, op))
            .collect();
        output::write_json(out, &v).map_err(io)?;
    } else {
        let ops: Vec<Operation> = ordered.iter().map(|(_, op)| (*op).clone()).collect();
        output::operations_table(out, &ops).map_err(io)?;
    }
    if !given_up.is_empty() {
        return Err(CliError::api(given_up.join("; ")));
    }
    if !timed_out.is_empty() {
        eprintln!(
            "regops: timed out: still not finished: {}",
            timed_out.join(", ")
        );
        return Ok(Exit::Timeout);
    }
    let unsuccessful = ordered.iter().any(|(_, o)| {
        matches!(
            o.status,
            OperationStatus::Failed | OperationStatus::Cancelled
        )
    });
    Ok(if unsuccessful {
        Exit::OperationFailed
    } else {
        Exit::Success
    })
}

/// The journal `--journal` names, else the default one.
pub(crate) fn journal_path(
    args_path: Option<&std::path::Path>,
) -> Result<std::path::PathBuf, CliError> {
    match args_path {
        Some(p) => Ok(p.to_owned()),
        None => regops_journal::default_path().map_err(|e| CliError::usage(e.message().to_owned())),
    }
}

pub(crate) fn open_journal(
    args_path: Option<&std::path::Path>,
) -> Result<regops_journal::SqliteJournal, CliError> {
    let path = journal_path(args_path)?;
    regops_journal::SqliteJournal::open(&path)
        .map_err(|e| CliError::api(format!("{}: {}", path.display(), e.message())))
}

/// `regops track`.
pub async fn track(
    config: &Config,
    selected: Option<&str>,
    args: TrackArgs,
    json: bool,
    out: &mut dyn Write,
) -> Result<Exit, CliError> {
    if args.resume != args.ids.is_empty() {
        return Err(CliError::usage(
            "track takes operation ids, or --resume (to follow everything the journal holds that has not ended), not both",
        ));
    }
    let journal = Arc::new(open_journal(args.journal.as_deref())?);
    let mut tracker = Tracker::new(options(args.timeout.as_deref())?)
        .with_journal(journal.clone() as Arc<dyn Journal>);
    let mut followed = Vec::new();
    if args.resume {
        let unfinished = journal
            .unfinished()
            .await
            .map_err(|e| CliError::api(e.message().to_owned()))?;
        let mut missing = Vec::new();
        for record in &unfinished {
            if !tracker.has_account(&record.account) {
                match config.accounts.get(&record.account) {
                    Some(account) => {
                        let backend: Arc<dyn Backend> = crate::providers::connect(account)?.into();
                        tracker.add_account(record.account.clone(), backend);
                    }
                    None => {
                        if !missing.contains(&record.account) {
                            missing.push(record.account.clone());
                        }
                        continue;
                    }
                }
            }
            followed.push((record.account.clone(), record.id.clone()));
        }
        tracker
            .resume()
            .await
            .map_err(|e| CliError::api(e.message().to_owned()))?;
        if !missing.is_empty() {
            eprintln!(
                "regops: the journal holds operations of accounts this configuration does not have (left as they are): {}",
                missing.join(", ")
            );
        }
        if followed.is_empty() {
            eprintln!("regops: nothing to resume: every operation in the journal has ended");
        }
    } else {
        let account = config.select(selected)?;
        let backend: Arc<dyn Backend> = crate::providers::connect(account)?.into();
        tracker.add_account(account.name.clone(), backend);
        followed = track_all(&mut tracker, &account.name, &args.ids).await?;
    }
    follow(tracker, &followed, json, out).await
}

/// `regops history`.
pub async fn history(
    config: &Config,
    selected: Option<&str>,
    args: HistoryArgs,
    json: bool,
    out: &mut dyn Write,
) -> Result<Exit, CliError> {
    let account = config.select(selected)?;
    // It only reads: nothing is created or migrated.
    let path = journal_path(args.journal.as_deref())?;
    let journal = regops_journal::SqliteJournal::open_read_only(&path)
        .map_err(|e| CliError::usage(e.message().to_owned()))?;
    let id = OperationId::new(args.id.trim());
    let entries = journal
        .history(&account.name, &id)
        .await
        .map_err(|e| CliError::api(e.message().to_owned()))?;
    if entries.is_empty() {
        return Err(CliError::api(format!(
            "the journal has no record of {} {id}",
            account.name
        )));
    }
    if json {
        #[derive(serde::Serialize)]
        struct Entry {
            observed_at: String,
            operation: OperationJson,
        }
        let v: Vec<Entry> = entries
            .iter()
            .map(|e| Entry {
                observed_at: e
                    .observed_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                operation: OperationJson::new(&account.name, &e.operation),
            })
            .collect();
        output::write_json(out, &v).map_err(io)?;
    } else {
        let rows: Vec<Vec<String>> = entries
            .iter()
            .map(|e| {
                vec![
                    e.observed_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    e.operation.status.as_str().to_owned(),
                    e.operation.raw_status.clone(),
                    e.operation.message.clone().unwrap_or_default(),
                ]
            })
            .collect();
        output::write_table(out, &["OBSERVED", "STATUS", "RAW", "MESSAGE"], &rows).map_err(io)?;
    }
    Ok(Exit::Success)
}
