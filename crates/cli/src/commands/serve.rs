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

/// Where the journal is: `sqlite://PATH`, a plain path, or `postgres://...` (not in this build).
fn journal_path(url: &str) -> Result<std::path::PathBuf, CliError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(CliError::usage(
            "[serve] journal: a PostgreSQL journal (a fleet) is not built into this version; use sqlite://PATH",
        ));
    }
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
        .or(s.listen)
        .unwrap_or_else(|| regops_serve::DEFAULT_LISTEN.to_owned());
    let listen = regops_serve::parse_listen(&listen_text).map_err(CliError::usage)?;
    let token = s.token.map(|t| t.resolve("[serve]", "token")).transpose()?;
    regops_serve::check_listen(&listen, token.is_some()).map_err(CliError::usage)?;
    if let Some(lease) = &s.lease {
        duration("[serve] lease", lease)?;
    }
    let mut serve = ServeConfig::default().token(token);
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
    let mut accounts = Vec::new();
    for account in config.accounts.values() {
        let backend: Arc<dyn regops_core::Backend> = crate::providers::connect(account)?.into();
        accounts.push(
            AccountSpec::new(account.name.clone(), backend)
                .requests_per_second(account.requests_per_second),
        );
    }
    let (journal, path) = open_journal(args.journal, s.journal)?;
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
    eprintln!(
        "regops serve: {n} accounts, journal {}, http://{addr}",
        path.display()
    );
    service
        .run(listener, stop_signal())
        .await
        .map_err(|e| CliError::api(format!("serving: {e}")))?;
    Ok(Exit::Success)
}

/// The journal `--journal` names, else `[serve] journal`, else the CLI's; and its path.
fn open_journal(
    flag: Option<String>,
    setting: Option<SecretSetting>,
) -> Result<(Arc<dyn Journal>, std::path::PathBuf), CliError> {
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
    let path = journal_path(&url)?;
    let journal = regops_journal::SqliteJournal::open(&path)
        .map_err(|e| CliError::api(format!("{}: {}", path.display(), e.message())))?;
    Ok((Arc::new(journal), path))
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
