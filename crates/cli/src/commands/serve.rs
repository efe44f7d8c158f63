//! `regops serve`: the tracking service on every configured account (docs/serve.md).
//!
//! Reads `[serve]` and `[[webhooks]]` from the configuration, connects every account, opens the
//! journal, refuses a non-loopback address without a token, then serves until SIGTERM or
//! SIGINT and stops gracefully (exit 0).

use crate::args::ServeArgs;
use crate::config::{Config, SecretSetting};
use crate::exit::{CliError, Exit};
use regops_core::{EventKind, Journal};
use regops_serve::{AccountSpec, ServeConfig, Service, WebhookConfig};
use serde::Deserialize;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ServeSettings {
    listen: Option<String>,
    token: Option<SecretSetting>,
    journal: Option<SecretSetting>,
    lease: Option<String>,
    name: Option<String>,
    discover: Option<String>,
    discover_since: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookSettings {
    url: String,
    secret: SecretSetting,
    events: Option<Vec<String>>,
    accounts: Option<Vec<String>>,
    retry: Option<Vec<String>>,
}

fn duration(what: &str, text: &str) -> Result<Duration, CliError> {
    crate::parse::duration(text).map_err(|e| CliError::usage(format!("{what}: {e}")))
}

/// Whether a journal URL names a PostgreSQL database.
fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Where an SQLite journal is: `sqlite://PATH` or a plain path.
fn journal_path(url: &str) -> Result<std::path::PathBuf, CliError> {
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    if path.is_empty() {
        return Err(CliError::usage(
            "[serve] journal: the sqlite:// URL names no file",
        ));
    }
    Ok(std::path::PathBuf::from(path))
}

fn webhook(config: &Config, i: usize, table: &toml::Table) -> Result<WebhookConfig, CliError> {
    let w = WebhookSettings::deserialize(table.clone())
        .map_err(|e| CliError::usage(format!("[[webhooks]] #{}: {}", i + 1, e.message().trim())))?;
    let what = format!("webhook {}", regops_serve::shown_url(&w.url));
    let secret = w.secret.resolve(&what, "secret")?;
    let mut hook = WebhookConfig::new(w.url.clone(), secret).map_err(CliError::usage)?;
    if let Some(events) = w.events {
        let kinds = events
            .iter()
            .map(|e| {
                EventKind::parse(e).ok_or_else(|| {
                    CliError::usage(format!(
                        "{what}: unknown event type `{e}` (operation.changed, operation.finished or operation.gave_up)"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        hook = hook.kinds(kinds);
    }
    if let Some(accounts) = w.accounts {
        if let Some(unknown) = accounts.iter().find(|a| !config.accounts.contains_key(*a)) {
            return Err(CliError::usage(format!("{what}: no account `{unknown}`")));
        }
        hook = hook.accounts(accounts);
    }
    if let Some(retry) = w.retry {
        let delays = retry
            .iter()
            .map(|d| duration(&format!("{what}: retry"), d))
            .collect::<Result<Vec<_>, _>>()?;
        hook = hook.retry(delays);
    }
    Ok(hook)
}

/// `regops serve`.
pub async fn serve(
    config: &Config,
    args: ServeArgs,
    out: &mut dyn Write,
) -> Result<Exit, CliError> {
    let s = ServeSettings::deserialize(config.serve.clone())
        .map_err(|e| CliError::usage(format!("[serve]: {}", e.message().trim())))?;
    let listen_text = args
        .listen
        .or(s.listen.clone())
        .unwrap_or_else(|| regops_serve::DEFAULT_LISTEN.to_owned());
    let listen = regops_serve::parse_listen(&listen_text).map_err(CliError::usage)?;
    let token = s
        .token
        .as_ref()
        .map(|t| t.resolve("[serve]", "token"))
        .transpose()?;
    regops_serve::check_listen(&listen, token.is_some()).map_err(CliError::usage)?;
    let (lease, owner) = fleet_settings(&s)?;
    let mut serve = ServeConfig::default().token(token).owner(owner.clone());
    match s.discover.as_deref() {
        Some("off") => serve = serve.discover(None),
        Some(d) => serve = serve.discover(Some(duration("[serve] discover", d)?)),
        None => {}
    }
    if let Some(d) = &s.discover_since {
        serve = serve.discover_since(duration("[serve] discover_since", d)?);
    }
    for (i, table) in config.webhooks.iter().enumerate() {
        serve = serve.webhook(webhook(config, i, table)?);
    }
    if config.accounts.is_empty() {
        return Err(CliError::usage(format!(
            "{}: no accounts configured; add an [accounts.NAME] table",
            config.path.display()
        )));
    }
    let (journal, shown, fleet) = open_journal(args.journal, s.journal).await?;
    // A fleet: PostgreSQL, or an SQLite file that several processes share with a lease.
    if fleet || lease.is_some() {
        serve = serve.lease(Some(lease.unwrap_or(regops_serve::DEFAULT_LEASE)));
    }
    let accounts = connect_all(config, &owner)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| CliError::usage(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::api(format!("the listening socket: {e}")))?;
    let n = accounts.len();
    let service = Service::new(serve, accounts, journal)
        .await
        .map_err(|e| CliError::api(format!("starting the service: {e}")))?;
    // The command's result, at once: where it serves (scripts read this line).
    writeln!(out, "listening on http://{addr}").map_err(crate::commands::io)?;
    out.flush().map_err(crate::commands::io)?;
    eprintln!("regops serve: {n} accounts, journal {shown}, http://{addr}");
    service
        .run(listener, stop_signal())
        .await
        .map_err(|e| CliError::api(format!("serving: {e}")))?;
    Ok(Exit::Success)
}

/// `[serve] lease` (at least 1 s) and `[serve] name` (this process's, by default host:pid).
fn fleet_settings(s: &ServeSettings) -> Result<(Option<Duration>, String), CliError> {
    let lease = s
        .lease
        .as_deref()
        .map(|l| duration("[serve] lease", l))
        .transpose()?;
    if lease.is_some_and(|l| l < Duration::from_secs(1)) {
        return Err(CliError::usage(
            "[serve] lease: at least 1s (it is renewed every third of it)",
        ));
    }
    let owner = match &s.name {
        Some(n) if n.trim().is_empty() || n.len() > 100 => {
            return Err(CliError::usage(
                "[serve] name: 1 to 100 characters naming this process in the fleet",
            ));
        }
        Some(n) => n.clone(),
        None => regops_serve::default_owner(),
    };
    Ok((lease, owner))
}

/// Every configured account's backend, its calls naming this process (`owner`) in their
/// User-Agent, so that a provider's logs tell a fleet's members apart.
fn connect_all(config: &Config, owner: &str) -> Result<Vec<AccountSpec>, CliError> {
    let mut accounts = Vec::new();
    for account in config.accounts.values() {
        let mut account = account.clone();
        account.user_agent = Some(format!("(regops serve {owner})"));
        let backend: Arc<dyn regops_core::Backend> = crate::providers::connect(&account)?.into();
        accounts.push(
            AccountSpec::new(account.name.clone(), backend)
                .requests_per_second(account.requests_per_second),
        );
    }
    Ok(accounts)
}

/// The journal `--journal` names, else `[serve] journal`, else the CLI's; where it is (without
/// credentials), and whether it is a fleet's (PostgreSQL).
async fn open_journal(
    flag: Option<String>,
    setting: Option<SecretSetting>,
) -> Result<(Arc<dyn Journal>, String, bool), CliError> {
    let url = match (flag, setting) {
        (Some(url), _) => url,
        // A path is no secret: a literal is taken without the warning secrets get.
        (None, Some(SecretSetting::Literal(url))) => url.expose().to_owned(),
        (None, Some(setting)) => setting.resolve("[serve]", "journal")?.expose().to_owned(),
        (None, None) => regops_journal::default_path()
            .map_err(|e| CliError::usage(e.message().to_owned()))?
            .to_string_lossy()
            .into_owned(),
    };
    if is_postgres(&url) {
        let journal = regops_journal::PgJournal::connect(&url)
            .await
            .map_err(|e| {
                // A URL that does not parse is the user's mistake; a database away is not.
                let line = match e.message().strip_prefix("journal: ") {
                    Some(rest) => format!("[serve] journal: {rest}"),
                    None => format!("[serve] journal: {}", e.message()),
                };
                if matches!(e.kind(), regops_core::ErrorKind::InvalidInput) {
                    CliError::usage(line)
                } else {
                    CliError::api(line)
                }
            })?;
        let shown = journal.shown().to_owned();
        return Ok((Arc::new(journal), shown, true));
    }
    let path = journal_path(&url)?;
    let journal = regops_journal::SqliteJournal::open(&path)
        .map_err(|e| CliError::api(format!("{}: {}", path.display(), e.message())))?;
    Ok((Arc::new(journal), path.display().to_string(), false))
}

/// Completes on SIGTERM or SIGINT.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
