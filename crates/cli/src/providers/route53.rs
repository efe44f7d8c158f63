//! `provider = "route53"`: Amazon Route 53 Domains (AWS JSON 1.1, SigV4).
//!
//! ```toml
//! [accounts.aws]
//! provider = "route53"
//! endpoint = "https://route53domains.us-east-1.amazonaws.com"   # optional
//! region = "us-east-1"                                          # optional
//! timeout = "30s"                                               # optional
//! ```
//!
//! The credentials come from the standard `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
//! `AWS_SESSION_TOKEN` variables. An account of its own (several AWS accounts in one file)
//! names other variables: `access_key_id = { env = "..." }`, `secret_access_key = { env =
//! "..." }` and optionally `session_token = { env = "..." }`; both keys or neither.

use super::{build_error, timeout_setting};
use crate::config::{AccountConfig, SecretSetting};
use crate::exit::CliError;
use regops_core::Backend;
use regops_route53::generated::{DEFAULT_REGION, PRODUCTION_ENDPOINT};
use regops_route53::{Credentials, Route53Backend, Route53Client};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    endpoint: Option<String>,
    region: Option<String>,
    timeout: Option<String>,
    access_key_id: Option<SecretSetting>,
    secret_access_key: Option<SecretSetting>,
    session_token: Option<SecretSetting>,
}

/// Builds the backend of a Route 53 Domains account.
pub fn connect(account: &AccountConfig) -> Result<Box<dyn Backend>, CliError> {
    let s: Settings = account.settings()?;
    let credentials = credentials(account, &s)?;
    let mut b = Route53Client::builder(credentials)
        .endpoint(s.endpoint.unwrap_or_else(|| PRODUCTION_ENDPOINT.to_owned()))
        .region(s.region.unwrap_or_else(|| DEFAULT_REGION.to_owned()));
    if let Some(t) = timeout_setting(account, s.timeout.as_deref())? {
        b = b.timeout(t);
    }
    if let Some(extra) = &account.user_agent {
        b = b.user_agent(extra.clone());
    }
    if let Some(deadline) = account.deadline {
        b = b.deadline(deadline);
    }
    if let Some(rate) = account.requests_per_second {
        b = b.rate_limit(rate, 1);
    }
    let client = b.build().map_err(|e| build_error(account, e))?;
    Ok(Box::new(Route53Backend::new(client)))
}

fn credentials(account: &AccountConfig, s: &Settings) -> Result<Credentials, CliError> {
    let name = &account.name;
    let mut creds = match (&s.access_key_id, &s.secret_access_key) {
        (Some(id), Some(secret)) => Credentials::new(
            id.resolve(name, "access_key_id")?,
            secret.resolve(name, "secret_access_key")?,
        ),
        (None, None) => {
            return if s.session_token.is_some() {
                Err(CliError::usage(format!(
                    "account {name}: session_token needs access_key_id and secret_access_key"
                )))
            } else {
                Credentials::from_env()
                    .map_err(|e| CliError::usage(format!("account {name}: {}", e.message())))
            };
        }
        _ => {
            return Err(CliError::usage(format!(
                "account {name}: set both access_key_id and secret_access_key, or neither (to use the AWS_* variables)"
            )));
        }
    };
    if let Some(token) = &s.session_token {
        creds = creds.session_token(token.resolve(name, "session_token")?);
    }
    Ok(creds)
}
