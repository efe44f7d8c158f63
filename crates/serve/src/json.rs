//! The JSON the service answers and sends: the operation object (the same the command line
//! prints), events, history, accounts, deliveries and errors. See `docs/cli.md` and
//! `docs/serve.md` for the contract.
//!
//! Every field is always present, `null` where there is no value; times are RFC 3339 in UTC; ids
//! are strings.

use chrono::{DateTime, SecondsFormat, Utc};
use regops_core::{Delivery, Event, Operation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// RFC 3339 in UTC with a `Z`, fractional seconds only when there are some.
pub fn time(t: &Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// An operation, as the command line prints it with `--json` and the API answers it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct OperationJson {
    /// The account's name in the configuration.
    pub account: String,
    /// `gandi`, `netim`, `route53` or `autodns`.
    pub provider: String,
    /// The provider's id of the operation.
    pub id: String,
    /// `pending in_progress action_required succeeded failed cancelled unknown`.
    pub status: String,
    /// The provider's status word as received.
    pub raw_status: String,
    /// The provider's operation type as received.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The domain or certificate common name it acts on.
    pub target: Option<String>,
    /// When it was submitted.
    pub submitted_at: Option<String>,
    /// When its execution started.
    pub started_at: Option<String>,
    /// When the provider last changed it.
    pub updated_at: Option<String>,
    /// When it is scheduled to run.
    pub scheduled_at: Option<String>,
    /// The provider's estimate of the seconds left.
    pub eta_seconds: Option<u64>,
    /// The provider's text about it.
    pub message: Option<String>,
    /// Why it failed.
    pub error: Option<ErrorJson>,
    /// What a person has to do for it to go on.
    pub action_required: Option<String>,
}

/// Why an operation failed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ErrorJson {
    /// `fatal temporary client_recoverable support_recoverable unknown`.
    pub class: String,
    /// The provider's identifier of the error.
    pub code: Option<String>,
    /// The provider's text.
    pub message: Option<String>,
}

impl OperationJson {
    /// The JSON view of `op` at `account`.
    pub fn new(account: &str, op: &Operation) -> Self {
        OperationJson {
            account: account.to_owned(),
            provider: op.provider.clone(),
            id: op.id.as_str().to_owned(),
            status: op.status.as_str().to_owned(),
            raw_status: op.raw_status.clone(),
            kind: op.kind.clone(),
            target: op.target.clone(),
            submitted_at: time(&op.submitted_at),
            started_at: time(&op.started_at),
            updated_at: time(&op.updated_at),
            scheduled_at: time(&op.scheduled_at),
            eta_seconds: op.eta.map(|d| d.as_secs()).filter(|s| *s > 0),
            message: op.message.clone(),
            error: op.error.as_ref().map(|e| ErrorJson {
                class: e.class.as_str().to_owned(),
                code: e.code.clone(),
                message: e.message.clone(),
            }),
            action_required: op.action_required.clone(),
        }
    }
}

/// A page of `GET /v1/operations`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct OperationsPage {
    /// The operations, newest `submitted_at` first.
    pub operations: Vec<OperationJson>,
    /// Pass as `page_token` for the next page; `null` on the last page.
    pub next_page_token: Option<String>,
}

/// One recorded change of an operation.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ChangeJson {
    /// When regops observed it (RFC 3339, UTC).
    pub at: String,
    /// The status then.
    pub status: String,
    /// The provider's status word then.
    pub raw_status: String,
    /// The provider's text then.
    pub message: Option<String>,
}

/// `GET .../history`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct HistoryJson {
    /// The changes, oldest first.
    pub changes: Vec<ChangeJson>,
}

/// One account of `GET /v1/accounts`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct AccountJson {
    /// The account's name.
    pub account: String,
    /// Its provider.
    pub provider: String,
    /// How many of its operations are followed (recorded and not ended).
    pub followed: u64,
    /// When its last refresh call was made.
    pub last_sweep_at: Option<String>,
    /// Provider calls made for it.
    pub calls: u64,
    /// Provider calls that failed.
    pub errors: u64,
    /// The process holding its lease (a fleet only).
    pub owner: Option<String>,
    /// When that lease runs out (a fleet only).
    pub lease_expires_at: Option<String>,
}

/// `GET /v1/counts`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct CountsJson {
    /// One entry per account and status that has operations.
    pub counts: Vec<CountJson>,
}

/// How many operations of an account have a status.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct CountJson {
    /// The account.
    pub account: String,
    /// Its provider.
    pub provider: String,
    /// The status word.
    pub status: String,
    /// How many operations in the journal have it.
    pub count: u64,
}

/// What an event carries.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct EventData {
    /// The account of the operation.
    pub account: String,
    /// The operation as observed (for `operation.gave_up`, its last state or `null`).
    pub operation: Option<OperationJson>,
    /// Why the operation was given up (`operation.gave_up` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// An event, the same on Server-Sent Events and webhooks.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct EventJson {
    /// Its stable id (`evt_...`): the same on every retry, so receivers deduplicate.
    pub id: String,
    /// `operation.changed`, `operation.finished` or `operation.gave_up`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When regops observed the change (RFC 3339, UTC).
    pub timestamp: String,
    /// The account and the operation.
    pub data: EventData,
}

impl EventJson {
    /// The JSON of a journal event.
    pub fn new(event: &Event) -> Self {
        EventJson {
            id: event.id.clone(),
            kind: event.kind.as_str().to_owned(),
            timestamp: time(&Some(event.at)).unwrap_or_default(),
            data: EventData {
                account: event.account.clone(),
                operation: event
                    .operation
                    .as_ref()
                    .map(|op| OperationJson::new(&event.account, op)),
                error: event.error.clone(),
            },
        }
    }
}

/// One webhook delivery.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct DeliveryJson {
    /// Its id (for `POST /v1/webhooks/deliveries/{id}/retry`).
    pub id: String,
    /// The receiver (without credentials: no user, password or query).
    pub url: String,
    /// The event it carries.
    pub event_id: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// How many attempts were made.
    pub attempts: u32,
    /// What the last failed attempt met.
    pub last_error: Option<String>,
    /// When it is attempted next (pending only).
    pub next_attempt_at: Option<String>,
}

impl DeliveryJson {
    /// The JSON of a delivery.
    pub fn new(d: &Delivery) -> Self {
        DeliveryJson {
            id: d.id.to_string(),
            url: crate::webhooks::shown_url(&d.url),
            event_id: d.event.id.clone(),
            state: d.state.as_str().to_owned(),
            attempts: d.attempts,
            last_error: d.last_error.clone(),
            next_attempt_at: time(&d.next_attempt_at),
        }
    }
}

/// `GET /v1/webhooks/deliveries`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct DeliveriesJson {
    /// The deliveries, newest first.
    pub deliveries: Vec<DeliveryJson>,
}

/// An error answer: `{"error": {"code", "message"}}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ErrorDetail {
    /// `invalid_argument`, `unauthenticated`, `not_found`, `unsupported`, `provider_error` or
    /// `timeout`.
    pub code: String,
    /// One line saying what.
    pub message: String,
}
