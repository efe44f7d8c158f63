//! Domain operations a provider starts: registrations, name server changes, and the remedy of
//! an operation that waits for its authorization. [`DomainBackend`] is implemented where the
//! provider documents the call; the others answer [`unsupported`](crate::backend::unsupported).

use crate::error::Result;
use crate::id::OperationId;
use crate::operation::Operation;
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
}
