//! Exit codes and the one-line errors that go with them.

use std::fmt;

/// The process exit codes (docs/cli.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Success.
    Success = 0,
    /// An operation that was waited for ended failed or cancelled.
    OperationFailed = 1,
    /// Usage or configuration error, or a command the provider does not have.
    Usage = 2,
    /// API, transport or protocol error.
    Api = 3,
    /// Some operation was still not terminal at the deadline.
    Timeout = 4,
}

impl Exit {
    /// The numeric code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// A failure of the command: printed as one line on stderr, with its exit code.
#[derive(Debug)]
pub struct CliError {
    /// The exit code.
    pub exit: Exit,
    /// What failed, on one line.
    pub message: String,
}

impl CliError {
    /// A usage or configuration error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    /// An API, transport or protocol error (exit 3).
    pub fn api(message: impl Into<String>) -> Self {
        CliError {
            exit: Exit::Api,
            message: message.into(),
        }
    }

    /// Prefixes the message with context (`account gandi`, say).
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    /// A usage error that does not say which provider refused (a call a trait's default
    /// answers as unsupported) is prefixed with the account and its provider, so the one line
    /// always names both.
    pub fn naming(self, account: &str, provider: &str) -> Self {
        if self.exit != Exit::Usage || self.message.contains(provider) {
            return self;
        }
        self.context(format!("account {account}: provider {provider}"))
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&regops_core::error::fold_line(&self.message, 4000))
    }
}

impl From<regops_core::Error> for CliError {
    /// A command the provider does not have, and a mistake found on the client before anything
    /// was sent (invalid input with no server answer behind it: no HTTP status, no provider
    /// code), are usage errors (exit 2); the rest is the API's (exit 3).
    fn from(e: regops_core::Error) -> Self {
        let found_here = e.kind() == &regops_core::ErrorKind::InvalidInput
            && e.http_status().is_none()
            && e.provider_code().is_none();
        let exit = if e.is_unsupported() || found_here {
            Exit::Usage
        } else {
            Exit::Api
        };
        CliError {
            exit,
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_numbers() {
        assert_eq!(
            [
                Exit::Success,
                Exit::OperationFailed,
                Exit::Usage,
                Exit::Api,
                Exit::Timeout
            ]
            .map(Exit::code),
            [0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn a_refusal_always_names_the_provider() {
        let bare: CliError =
            regops_core::Error::unsupported("this provider has no certificate listing").into();
        assert_eq!(
            bare.naming("shop", "netim").message,
            "account shop: provider netim: not supported: this provider has no certificate listing"
        );
        let named = CliError::usage("netim cannot honour --param");
        assert_eq!(
            named.naming("shop", "netim").message,
            "netim cannot honour --param"
        );
        let api = CliError::api("HTTP 500");
        assert_eq!(api.naming("shop", "netim").message, "HTTP 500");
    }

    #[test]
    fn core_errors_map_to_api_or_usage() {
        let e: CliError = regops_core::Error::unsupported("netim has no call for listing").into();
        assert_eq!(e.exit, Exit::Usage);
        let e: CliError = regops_core::Error::not_found("no such operation").into();
        assert_eq!(e.exit, Exit::Api);
        let e: CliError = regops_core::Error::api("E13", "Province :\nInvalid value").into();
        assert!(!e.to_string().contains('\n'));
        // Found on the client before sending: a usage error. Refused by a server: the API's.
        let e: CliError = regops_core::Error::invalid_input("`abc` is not a gandi id").into();
        assert_eq!(e.exit, Exit::Usage);
        let refused = regops_core::Error::invalid_input("bad domain").with_http_status(400);
        assert_eq!(CliError::from(refused).exit, Exit::Api);
        let refused = regops_core::Error::invalid_input("bad domain").with_code("InvalidInput");
        assert_eq!(CliError::from(refused).exit, Exit::Api);
    }
}
