//! `provider = "netim"`: the Netim SOAP API 2.0.
//!
//! ```toml
//! [accounts.netim]
//! provider = "netim"
//! endpoint = "https://api.netim.com/2.0/"   # optional: production otherwise
//! reseller_id = "AB1234"
//! password = { env = "NETIM_PASSWORD" }
//! timezone = "Europe/Paris"                 # optional: the server's times
//! language = "EN"                           # optional: EN or FR
//! sync = true                               # optional: false for asynchronous mode
//! timeout = "30s"                           # optional
//! ```

use super::{build_error, server_zone, timeout_setting};
use crate::config::{AccountConfig, SecretSetting};
use crate::exit::CliError;
use regops_core::Backend;
use regops_soap::generated::PRODUCTION_ENDPOINT;
use regops_soap::{NetimBackend, NetimClient};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    endpoint: Option<String>,
    reseller_id: String,
    password: SecretSetting,
    timezone: Option<String>,
    language: Option<String>,
    sync: Option<bool>,
    timeout: Option<String>,
}

/// Builds the backend of a Netim account.
pub fn connect(account: &AccountConfig) -> Result<Box<dyn Backend>, CliError> {
    let s: Settings = account.settings()?;
    let password = s.password.resolve(&account.name, "password")?;
    let mut b = NetimClient::builder(s.reseller_id, password)
        .endpoint(s.endpoint.unwrap_or_else(|| PRODUCTION_ENDPOINT.to_owned()))
        .timezone(server_zone(account, s.timezone.as_deref())?)
        .synchronous(s.sync.unwrap_or(true));
    if let Some(lang) = s.language {
        if !matches!(lang.as_str(), "EN" | "FR") {
            return Err(CliError::usage(format!(
                "account {}: language must be EN or FR",
                account.name
            )));
        }
        b = b.language(lang);
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
    Ok(Box::new(NetimBackend::new(client)))
}
