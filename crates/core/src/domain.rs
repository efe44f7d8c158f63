//! Domain operations a provider starts: registrations, renewals, transfers in and between
//! accounts, name server and contact changes, and the remedies of an operation that waits for
//! someone (its authorization sent again, the registrant's e-mail address confirmed).
//! [`DomainBackend`] is implemented where the provider documents the call; a call it lacks
//! answers `Unsupported` before anything is sent.

use crate::error::{Error, Result};
use crate::id::OperationId;
use crate::operation::Operation;
use crate::secret::Secret;
use async_trait::async_trait;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A contact of a domain, as a contacts file gives it (docs/cli.md). Every member is optional
/// here; each provider says which it needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Contact {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// `person`, `company`, `association`, `public_body` or `reseller`.
    pub contact_type: Option<String>,
    /// The organization, when the contact is not a person.
    pub organization_name: Option<String>,
    /// First line of the address.
    pub address_line_1: Option<String>,
    /// Second line of the address.
    pub address_line_2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state: Option<String>,
    /// Two-letter country code.
    pub country_code: Option<String>,
    /// Postal code.
    pub zip_code: Option<String>,
    /// Phone number, `+CC.NUMBER`.
    pub phone_number: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Fax number, `+CC.NUMBER`.
    pub fax: Option<String>,
    /// What some registries require besides (their names, verbatim).
    #[serde(default)]
    pub extra_params: BTreeMap<String, String>,
}

/// The contacts of a registration: the registrant, and the administrative and technical
/// contacts (the registrant's when not given).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Contacts {
    /// The domain's holder.
    pub registrant: Contact,
    /// The administrative contact.
    pub admin: Option<Contact>,
    /// The technical contact.
    pub tech: Option<Contact>,
}

impl Contacts {
    /// Contacts that are all `registrant`.
    pub fn all(registrant: Contact) -> Contacts {
        Contacts {
            registrant,
            admin: None,
            tech: None,
        }
    }

    /// The administrative contact (the registrant's when not given).
    pub fn admin(&self) -> &Contact {
        self.admin.as_ref().unwrap_or(&self.registrant)
    }

    /// The technical contact (the registrant's when not given).
    pub fn tech(&self) -> &Contact {
        self.tech.as_ref().unwrap_or(&self.registrant)
    }
}

/// A registration to start.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Registration {
    /// The domain.
    pub domain: String,
    /// For how many years.
    pub years: u32,
    /// Who holds it.
    pub contacts: Contacts,
    /// Its name servers (empty: the provider's).
    pub nameservers: Vec<String>,
}

impl Registration {
    /// A registration of `domain` for `years` with `contacts` and the provider's name servers.
    pub fn new(domain: impl Into<String>, years: u32, contacts: Contacts) -> Registration {
        Registration {
            domain: domain.into(),
            years,
            contacts,
            nameservers: Vec::new(),
        }
    }
}

/// A transfer into the account to start.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Transfer {
    /// The domain.
    pub domain: String,
    /// The authorization code the losing registrar gave (a secret: never shown).
    pub auth_code: crate::secret::Secret,
    /// For how many years it is renewed with the transfer (the registry's minimum when none).
    pub years: Option<u32>,
    /// Who holds it.
    pub contacts: Contacts,
    /// Its name servers after the transfer (empty: kept as they are).
    pub nameservers: Vec<String>,
}

impl Transfer {
    /// A transfer of `domain` with its authorization code and contacts.
    pub fn new(
        domain: impl Into<String>,
        auth_code: crate::secret::Secret,
        contacts: Contacts,
    ) -> Transfer {
        Transfer {
            domain: domain.into(),
            auth_code,
            years: None,
            contacts,
            nameservers: Vec::new(),
        }
    }
}

/// Whether a domain's registrant confirmed their e-mail address (ICANN's contact
/// reachability check).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reachability {
    /// The e-mail was sent; the registrant has not answered yet.
    Pending,
    /// The registrant confirmed the address.
    Confirmed,
    /// The time to answer ran out (the domain may be suspended).
    Expired,
    /// A word regops does not know, verbatim.
    Unknown(String),
}

impl Reachability {
    /// `pending`, `confirmed`, `expired`, or the unknown word.
    pub fn as_str(&self) -> &str {
        match self {
            Reachability::Pending => "pending",
            Reachability::Confirmed => "confirmed",
            Reachability::Expired => "expired",
            Reachability::Unknown(raw) => raw,
        }
    }
}

/// What sending the reachability e-mail again answered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReachabilityMail {
    /// Where it went, when the provider says.
    pub email: Option<String>,
    /// True when the address was confirmed already, so nothing needed sending.
    pub already_confirmed: bool,
}

impl ReachabilityMail {
    /// An answer naming the address.
    pub fn new(email: Option<String>, already_confirmed: bool) -> ReachabilityMail {
        ReachabilityMail {
            email,
            already_confirmed,
        }
    }
}

/// A transfer of a domain to another account of the same provider, under way.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AccountTransfer {
    /// The operation that follows it.
    pub operation: Operation,
    /// The password the receiving account accepts it with (a secret: never shown). `None` when
    /// the answer that carried it was lost and the operation was found by looking it up: the
    /// provider gives it only once, so the transfer must be cancelled and started again.
    pub password: Option<Secret>,
}

impl AccountTransfer {
    /// A transfer followed by `operation`, accepted with `password`.
    pub fn new(operation: Operation, password: Option<Secret>) -> AccountTransfer {
        AccountTransfer {
            operation,
            password,
        }
    }
}

fn lacks(what: &str) -> Error {
    Error::unsupported(format!("this provider has no call for {what}"))
}

/// The domain operations of one account.
#[async_trait]
pub trait DomainBackend: Send + Sync {
    /// Starts a registration; answers the operation. Sent once: after an answer that may not
    /// have come back, the backend looks the operation up rather than sending again.
    async fn register_domain(&self, registration: &Registration) -> Result<Operation>;

    /// Starts a transfer into the account; answers the operation (which may wait for its
    /// authorization). Sent once.
    async fn transfer_domain(&self, transfer: &Transfer) -> Result<Operation>;

    /// Starts replacing the name servers of `domain` with `nameservers`; answers the operation.
    /// Sent once.
    async fn update_nameservers(&self, domain: &str, nameservers: &[String]) -> Result<Operation>;

    /// Sends the authorization of an operation that waits for it again (its remedy for
    /// `action_required`). Sent once: it mails someone.
    async fn resend_authorization(&self, operation: &OperationId) -> Result<()>;

    /// Starts renewing `domain` for `years`; answers the operation. Sent once.
    async fn renew_domain(&self, domain: &str, years: u32) -> Result<Operation> {
        let _ = (domain, years);
        Err(lacks("renewing a domain"))
    }

    /// Starts replacing the contacts of `domain`; answers the operation. Sent once.
    async fn update_contacts(&self, domain: &str, contacts: &Contacts) -> Result<Operation> {
        let _ = (domain, contacts);
        Err(lacks("changing a domain's contacts"))
    }

    /// Whether the registrant of `domain` confirmed their e-mail address.
    async fn reachability(&self, domain: &str) -> Result<Reachability> {
        let _ = domain;
        Err(lacks("reading a registrant's reachability"))
    }

    /// Sends the registrant of `domain` the e-mail that confirms their address again (the
    /// remedy for a registration that waits for it). Sent once: it mails someone.
    async fn resend_reachability(&self, domain: &str) -> Result<ReachabilityMail> {
        let _ = domain;
        Err(lacks("sending the reachability e-mail again"))
    }

    /// The authorization code that transfers `domain` to another registrar (a secret).
    async fn auth_code(&self, domain: &str) -> Result<Secret> {
        let _ = domain;
        Err(lacks("reading a domain's authorization code"))
    }

    /// Starts transferring `domain` to the provider's account `account`; answers the operation
    /// and the password that account accepts it with. Sent once.
    async fn transfer_to_account(&self, domain: &str, account: &str) -> Result<AccountTransfer> {
        let _ = (domain, account);
        Err(lacks("transferring a domain to another account"))
    }

    /// Accepts a transfer of `domain` from another account with the password it was given;
    /// answers the operation. Sent once.
    async fn accept_account_transfer(&self, domain: &str, password: &Secret) -> Result<Operation> {
        let _ = (domain, password);
        Err(lacks("accepting a transfer from another account"))
    }

    /// Rejects a transfer of `domain` from another account; answers the transfer's operation.
    async fn reject_account_transfer(&self, domain: &str) -> Result<Operation> {
        let _ = domain;
        Err(lacks("rejecting a transfer from another account"))
    }

    /// Cancels a transfer of `domain` to another account that was not accepted yet; answers
    /// the transfer's operation.
    async fn cancel_account_transfer(&self, domain: &str) -> Result<Operation> {
        let _ = domain;
        Err(lacks("cancelling a transfer to another account"))
    }
}
