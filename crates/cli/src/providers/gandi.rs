//! `provider = "gandi"`: the Gandi XML-RPC API v3.
//!
//! ```toml
//! [accounts.gandi]
//! provider = "gandi"
//! endpoint = "https://rpc.ote.gandi.net/xmlrpc/"   # optional: production otherwise
//! api_key = { env = "GANDI_API_KEY" }
//! timezone = "Europe/Paris"                        # optional
//! act_as = "AB1234-GANDI"                          # optional: certificate calls for a customer
//! timeout = "30s"                                  # optional
//! ```

use super::{build_error, server_zone, timeout_setting};
use crate::config::{AccountConfig, SecretSetting};
use crate::exit::CliError;
use regops_core::Backend;
use regops_xmlrpc::{GandiBackend, GandiClient, generated::PRODUCTION_ENDPOINT};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    endpoint: Option<String>,
    api_key: SecretSetting,
    timezone: Option<String>,
    act_as: Option<String>,
    timeout: Option<String>,
}

/// Builds the backend of a Gandi account.
pub fn connect(account: &AccountConfig) -> Result<Box<dyn Backend>, CliError> {
    let s: Settings = account.settings()?;
    let key = s.api_key.resolve(&account.name, "api_key")?;
    let mut b = GandiClient::builder(key)
        .endpoint(s.endpoint.unwrap_or_else(|| PRODUCTION_ENDPOINT.to_owned()))
        .timezone(server_zone(account, s.timezone.as_deref())?);
    if let Some(handle) = s.act_as {
        b = b.act_as(handle);
    }
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
    Ok(Box::new(GandiBackend::new(client)))
}
