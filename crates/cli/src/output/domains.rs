//! What the domain commands print beside operations: a registrant's reachability, an
//! authorization code, and a transfer between accounts with its password (docs/cli.md gives
//! each JSON shape).

use super::OperationJson;
use regops_core::{Reachability, ReachabilityMail};
use serde::Serialize;

/// `domain reachability` as printed with `--json`.
#[derive(Debug, Serialize)]
pub struct ReachabilityJson<'a> {
    account: &'a str,
    provider: &'a str,
    domain: &'a str,
    /// `pending`, `confirmed`, `expired`, or the provider's word verbatim.
    reachability: &'a str,
    /// With `--resend`: where the e-mail went.
    #[serde(skip_serializing_if = "Option::is_none")]
    resent_to: Option<&'a str>,
    /// With `--resend`: whether the address was confirmed already (nothing sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    already_confirmed: Option<bool>,
}

impl<'a> ReachabilityJson<'a> {
    /// The JSON view of `status` (and of the resend's answer `mail`, if any).
    pub fn new(
        account: &'a str,
        provider: &'a str,
        domain: &'a str,
        status: &'a Reachability,
        mail: Option<&'a ReachabilityMail>,
    ) -> Self {
        ReachabilityJson {
            account,
            provider,
            domain,
            reachability: status.as_str(),
            resent_to: mail.and_then(|m| m.email.as_deref()),
            already_confirmed: mail.map(|m| m.already_confirmed),
        }
    }

    /// The same as lines of text.
    pub fn lines(&self) -> String {
        let mut out = format!("{}: {}\n", self.domain, self.reachability);
        if let Some(true) = self.already_confirmed {
            out.push_str("already confirmed: nothing was sent\n");
        } else if self.already_confirmed.is_some() {
            out.push_str(&format!(
                "the e-mail was sent again to {}\n",
                self.resent_to.unwrap_or("the registrant")
            ));
        }
        out
    }
}

/// `domain auth-code` as printed with `--json`: the one answer that shows a secret, because
/// the user asked for it.
#[derive(Debug, Serialize)]
pub struct AuthCodeJson<'a> {
    account: &'a str,
    provider: &'a str,
    domain: &'a str,
    auth_code: &'a str,
}

impl<'a> AuthCodeJson<'a> {
    /// The JSON view of `code` for `domain`.
    pub fn new(account: &'a str, provider: &'a str, domain: &'a str, code: &'a str) -> Self {
        AuthCodeJson {
            account,
            provider,
            domain,
            auth_code: code,
        }
    }
}

/// `domain transfer-account send` as printed with `--json`: the operation object and the
/// password the receiving account needs (`null` when the answer carrying it was lost).
#[derive(Debug, Serialize)]
pub struct AccountTransferJson<'a> {
    #[serde(flatten)]
    operation: OperationJson,
    password: Option<&'a str>,
}

impl<'a> AccountTransferJson<'a> {
    /// The JSON view of the transfer's operation and password.
    pub fn new(operation: OperationJson, password: Option<&'a str>) -> Self {
        AccountTransferJson {
            operation,
            password,
        }
    }
}
