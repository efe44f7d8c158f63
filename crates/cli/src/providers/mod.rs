//! The provider registry: how an account of the configuration becomes a backend.
//!
//! Each adapter crate plugs in here with one entry (a module of this folder) that reads its
//! provider's settings from the account and builds its client. A provider the configuration names
//! but this build does not have is a configuration error (exit 2), never a panic.

mod autodns;
mod gandi;
mod netim;
mod route53;

use crate::config::AccountConfig;
use crate::exit::CliError;
use regops_core::{Backend, ServerTimeZone};
use std::time::Duration;

/// One provider this build knows.
pub struct Provider {
    /// The name used in `provider = "..."`.
    pub name: &'static str,
    /// Builds the backend of an account.
    pub connect: fn(&AccountConfig) -> Result<Box<dyn Backend>, CliError>,
}

/// Every provider built into this binary.
pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "gandi",
        connect: gandi::connect,
    },
    Provider {
        name: "route53",
        connect: route53::connect,
    },
    Provider {
        name: "autodns",
        connect: autodns::connect,
    },
    Provider {
        name: "netim",
        connect: netim::connect,
    },
];

/// The providers regops has adapters for, built in or not.
pub const KNOWN: &[&str] = &["gandi", "netim", "route53", "autodns"];

/// Builds the backend of an account.
pub fn connect(account: &AccountConfig) -> Result<Box<dyn Backend>, CliError> {
    if let Some(p) = PROVIDERS.iter().find(|p| p.name == account.provider) {
        return (p.connect)(account);
    }
    let built: Vec<&str> = PROVIDERS.iter().map(|p| p.name).collect();
    if KNOWN.contains(&account.provider.as_str()) {
        Err(CliError::usage(format!(
            "account {}: provider `{}` is not built into this version of regops (built in: {})",
            account.name,
            account.provider,
            if built.is_empty() {
                "none".into()
            } else {
                built.join(", ")
            }
        )))
    } else {
        Err(CliError::usage(format!(
            "account {}: unknown provider `{}` (expected one of: {})",
            account.name,
            account.provider,
            KNOWN.join(", ")
        )))
    }
}

/// The account's `timezone` setting (Europe/Paris when absent).
pub(crate) fn server_zone(
    account: &AccountConfig,
    setting: Option<&str>,
) -> Result<ServerTimeZone, CliError> {
    match setting {
        None => Ok(ServerTimeZone::PARIS),
        Some(name) => ServerTimeZone::named(name).ok_or_else(|| {
            CliError::usage(format!(
                "account {}: timezone {name:?} is not an IANA time zone name (like Europe/Paris)",
                account.name
            ))
        }),
    }
}

/// A client builder's refusal, as a configuration error of `account`.
pub(crate) fn build_error(account: &AccountConfig, e: regops_core::Error) -> CliError {
    CliError::usage(format!("account {}: {}", account.name, e.message()))
}

/// The account's `timeout` setting (`30s`, `2m`, ...).
pub(crate) fn timeout_setting(
    account: &AccountConfig,
    setting: Option<&str>,
) -> Result<Option<Duration>, CliError> {
    setting
        .map(|t| {
            crate::parse::duration(t)
                .map_err(|e| CliError::usage(format!("account {}: timeout: {e}", account.name)))
        })
        .transpose()
}
