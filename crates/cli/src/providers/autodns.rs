//! `provider = "autodns"`: InterNetX AutoDNS, the JSON API or the XML gateway.
//!
//! ```toml
//! [accounts.autodns]
//! provider = "autodns"
//! endpoint = "https://api.autodns.com/v1"   # optional; an endpoint ending in /gateway speaks XML
//! user = "me"
//! password = { env = "AUTODNS_PASSWORD" }
//! context = 4                               # optional
//! timezone = "Europe/Berlin"                # optional: the gateway's local times
//! requests_per_second = 3                   # optional (every provider): the client-side pace
//! timeout = "30s"                           # optional
//! ```

use super::{build_error, server_zone, timeout_setting};
use crate::config::{AccountConfig, SecretSetting};
use crate::exit::CliError;
use regops_core::Backend;
use regops_rest::generated::PRODUCTION_ENDPOINT;
use regops_rest::{AutoDnsBackend, AutoDnsClient};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    endpoint: Option<String>,
    user: String,
    password: SecretSetting,
    context: Option<u32>,
    timezone: Option<String>,
    timeout: Option<String>,
}

/// Builds the backend of an AutoDNS account.
pub fn connect(account: &AccountConfig) -> Result<Box<dyn Backend>, CliError> {
    let s: Settings = account.settings()?;
    let password = s.password.resolve(&account.name, "password")?;
    let mut b = AutoDnsClient::builder(s.user, password)
        .endpoint(s.endpoint.unwrap_or_else(|| PRODUCTION_ENDPOINT.to_owned()));
    if let Some(c) = s.context {
        b = b.context(c);
    }
    if s.timezone.is_some() {
        b = b.timezone(server_zone(account, s.timezone.as_deref())?);
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
    if let Some(t) = timeout_setting(account, s.timeout.as_deref())? {
        b = b.timeout(t);
    }
    let client = b.build().map_err(|e| build_error(account, e))?;
    Ok(Box::new(AutoDnsBackend::new(client)))
}
