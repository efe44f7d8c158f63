//! The one status enum every provider maps to, and the error taxonomy.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an operation stands, in one vocabulary for all providers.
///
/// The mapping of each provider's words is in `docs/status-mapping.md` and in each adapter's
/// `convert` module. [`Succeeded`](Self::Succeeded), [`Failed`](Self::Failed) and
/// [`Cancelled`](Self::Cancelled) are terminal; [`Unknown`](Self::Unknown) is not, so that
/// waiting goes on when a provider introduces a word this version does not know.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OperationStatus {
    /// Accepted, not started: billing, queued, or scheduled for later.
    Pending,
    /// Being carried out.
    InProgress,
    /// Blocked on a person (the customer or the provider's support).
    ActionRequired,
    /// Done.
    Succeeded,
    /// Ended without effect.
    Failed,
    /// Withdrawn.
    Cancelled,
    /// A word this version does not know, kept verbatim.
    Unknown(String),
}

impl OperationStatus {
    /// Every known status, in lifecycle order.
    pub const KNOWN: [OperationStatus; 6] = [
        OperationStatus::Pending,
        OperationStatus::InProgress,
        OperationStatus::ActionRequired,
        OperationStatus::Succeeded,
        OperationStatus::Failed,
        OperationStatus::Cancelled,
    ];

    /// Whether the operation can no longer change: succeeded, failed or cancelled.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            OperationStatus::Succeeded | OperationStatus::Failed | OperationStatus::Cancelled
        )
    }

    /// The stable spelling used in JSON output and on the command line:
    /// `pending in_progress action_required succeeded failed cancelled unknown`.
    pub fn as_str(&self) -> &str {
        match self {
            OperationStatus::Pending => "pending",
            OperationStatus::InProgress => "in_progress",
            OperationStatus::ActionRequired => "action_required",
            OperationStatus::Succeeded => "succeeded",
            OperationStatus::Failed => "failed",
            OperationStatus::Cancelled => "cancelled",
            OperationStatus::Unknown(_) => "unknown",
        }
    }

    /// Parses a spelling of [`as_str`](Self::as_str) (also accepting `-` for `_` and any case).
    /// `unknown` cannot be parsed: it names no particular status.
    pub fn parse(word: &str) -> Option<OperationStatus> {
        let word = word.trim().to_ascii_lowercase().replace('-', "_");
        Self::KNOWN.into_iter().find(|s| s.as_str() == word)
    }
}

impl fmt::Display for OperationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `pad`, so that width and alignment (`{:<12}`) work in tables.
            OperationStatus::Unknown(raw) => f.pad(&format!("unknown ({raw})")),
            other => f.pad(other.as_str()),
        }
    }
}

/// How an error should be handled: the taxonomy of the Gandi API's `errortype`, used for every
/// provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorClass {
    /// Do not retry.
    Fatal,
    /// Retry later (rate limit, timeout).
    Temporary,
    /// The caller must fix something, then retry.
    ClientRecoverable,
    /// The provider's support must act.
    SupportRecoverable,
    /// Not classified.
    Unknown,
}

impl ErrorClass {
    /// The spelling used in JSON output: `fatal temporary client_recoverable
    /// support_recoverable unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorClass::Fatal => "fatal",
            ErrorClass::Temporary => "temporary",
            ErrorClass::ClientRecoverable => "client_recoverable",
            ErrorClass::SupportRecoverable => "support_recoverable",
            ErrorClass::Unknown => "unknown",
        }
    }

    /// Parses a class word as the Gandi API writes it; `None` for anything else.
    pub fn from_word(word: &str) -> Option<ErrorClass> {
        Some(match word {
            "fatal" => ErrorClass::Fatal,
            "temporary" => ErrorClass::Temporary,
            "client_recoverable" => ErrorClass::ClientRecoverable,
            "support_recoverable" => ErrorClass::SupportRecoverable,
            "unknown" => ErrorClass::Unknown,
            _ => return None,
        })
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_statuses() {
        let terminal: Vec<_> = OperationStatus::KNOWN
            .iter()
            .filter(|s| s.is_terminal())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(terminal, ["succeeded", "failed", "cancelled"]);
        assert!(!OperationStatus::Unknown("DONE?".into()).is_terminal());
    }

    #[test]
    fn display_honours_width_for_tables() {
        assert_eq!(format!("[{:<10}]", OperationStatus::Failed), "[failed    ]");
        assert_eq!(
            format!("[{:>14}]", OperationStatus::Unknown("X".into())),
            "[   unknown (X)]"
        );
    }

    #[test]
    fn spellings_round_trip() {
        for s in OperationStatus::KNOWN {
            assert_eq!(OperationStatus::parse(s.as_str()), Some(s.clone()));
        }
        assert_eq!(
            OperationStatus::parse("In-Progress"),
            Some(OperationStatus::InProgress)
        );
        assert_eq!(OperationStatus::parse("unknown"), None);
        for c in [
            ErrorClass::Fatal,
            ErrorClass::Temporary,
            ErrorClass::ClientRecoverable,
            ErrorClass::SupportRecoverable,
            ErrorClass::Unknown,
        ] {
            assert_eq!(ErrorClass::from_word(c.as_str()), Some(c));
        }
        assert_eq!(ErrorClass::from_word("duplicate"), None);
    }
}
