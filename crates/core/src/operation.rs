//! The normalized operation.

use crate::id::OperationId;
use crate::status::{ErrorClass, OperationStatus};
use crate::value::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// An operation at a registrar, in one model for every provider.
///
/// Built by the adapters' `convert` modules: [`Operation::new`] with the fields every provider
/// has, then the others set directly.
///
/// ```
/// use regops_core::{Operation, OperationStatus};
/// let mut op = Operation::new("gandi", "100100", OperationStatus::Pending, "BILL");
/// op.kind = Some("domain_renew".into());
/// op.target = Some("example.com".into());
/// assert!(!op.status.is_terminal());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Operation {
    /// The provider's name (`gandi`, `netim`, `route53`, `autodns`).
    pub provider: String,
    /// The operation's identifier.
    pub id: OperationId,
    /// The normalized status.
    pub status: OperationStatus,
    /// The provider's status word as received.
    pub raw_status: String,
    /// The provider's operation type as received (`domain_renew`, `REGISTER_DOMAIN`,
    /// `DomainCancelation`, ...).
    pub kind: Option<String>,
    /// What the operation acts on: a domain name or a certificate's common name.
    pub target: Option<String>,
    /// When it was submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When its execution started.
    pub started_at: Option<DateTime<Utc>>,
    /// When the provider last changed it.
    pub updated_at: Option<DateTime<Utc>>,
    /// When it is scheduled to run (deferred execution).
    pub scheduled_at: Option<DateTime<Utc>>,
    /// The provider's estimate of the time left.
    pub eta: Option<Duration>,
    /// The provider's text about the operation, whatever its status.
    pub message: Option<String>,
    /// Why it failed, when it did (or the provider classified an error on it).
    pub error: Option<OperationError>,
    /// What a person has to do for it to go on, when it is blocked on one.
    pub action_required: Option<String>,
    /// The provider's other fields, by its own names.
    pub extra: Extra,
}

impl Operation {
    /// An operation with its identity and status; every other field empty.
    pub fn new(
        provider: impl Into<String>,
        id: impl Into<OperationId>,
        status: OperationStatus,
        raw_status: impl Into<String>,
    ) -> Operation {
        Operation {
            provider: provider.into(),
            id: id.into(),
            status,
            raw_status: raw_status.into(),
            kind: None,
            target: None,
            submitted_at: None,
            started_at: None,
            updated_at: None,
            scheduled_at: None,
            eta: None,
            message: None,
            error: None,
            action_required: None,
            extra: Extra::new(),
        }
    }

    /// Whether the status is terminal.
    pub fn is_terminal(&self) -> bool {
        self.status.is_terminal()
    }

    /// For a failed operation whose provider gives no error identifier: its error is `class`
    /// with no code and its message. Does nothing when the operation has not failed.
    ///
    /// ```
    /// use regops_core::{ErrorClass, Operation, OperationStatus};
    /// let mut op = Operation::new("netim", "1002", OperationStatus::Failed, "Failed");
    /// op.message = Some("Province : Invalid value".into());
    /// op.set_error_from_message(ErrorClass::Fatal);
    /// let e = op.error.unwrap();
    /// assert_eq!((e.class, e.code, e.message.as_deref()), (ErrorClass::Fatal, None, Some("Province : Invalid value")));
    ///
    /// let mut done = Operation::new("netim", "1001", OperationStatus::Succeeded, "Done");
    /// done.set_error_from_message(ErrorClass::Fatal);
    /// assert!(done.error.is_none());
    /// ```
    pub fn set_error_from_message(&mut self, class: ErrorClass) {
        if self.status == OperationStatus::Failed {
            self.error = Some(OperationError::new(class, None, self.message.clone()));
        }
    }

    /// Whether `other` differs from `self` in a way someone following it cares about: the
    /// status, the raw status word, the message, the error or the action required.
    pub fn changed_from(&self, other: &Operation) -> bool {
        self.status != other.status
            || self.raw_status != other.raw_status
            || self.message != other.message
            || self.error != other.error
            || self.action_required != other.action_required
    }
}

/// Why an operation failed: `{class, code, message}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OperationError {
    /// How to handle it.
    pub class: ErrorClass,
    /// The provider's identifier for the error, when it gave one.
    pub code: Option<String>,
    /// The provider's text.
    pub message: Option<String>,
}

impl OperationError {
    /// An operation error.
    pub fn new(class: ErrorClass, code: Option<String>, message: Option<String>) -> Self {
        OperationError {
            class,
            code,
            message,
        }
    }
}
