//! The words a provider uses for its operations: their types, and the status words with the
//! status regops reads each as. `regops ops types` prints them; `ops list --type` warns about a
//! type the provider cannot have.

use crate::status::OperationStatus;

/// A provider's operation types and status words.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Vocabulary {
    /// The provider (`gandi`, `netim`, `route53`, `autodns`).
    pub provider: String,
    /// The operation types regops knows, as the provider writes them (or, where regops names
    /// them, as regops does).
    pub kinds: Vec<String>,
    /// Whether `kinds` is the provider's whole list (its API documents every type), so that
    /// any other type is a mistake.
    pub kinds_complete: bool,
    /// Each documented status word, and the status regops reads it as.
    pub statuses: Vec<(String, OperationStatus)>,
    /// What else decides a status, or where the types come from, in a sentence.
    pub note: Option<String>,
}

impl Vocabulary {
    /// The words of `provider`: its types (`complete` when no other can exist) and statuses.
    pub fn new(
        provider: impl Into<String>,
        kinds: Vec<String>,
        kinds_complete: bool,
        statuses: Vec<(String, OperationStatus)>,
    ) -> Vocabulary {
        Vocabulary {
            provider: provider.into(),
            kinds,
            kinds_complete,
            statuses,
            note: None,
        }
    }

    /// With a note.
    pub fn note(mut self, note: impl Into<String>) -> Vocabulary {
        self.note = Some(note.into());
        self
    }

    /// Whether `kind` can be a type of this provider: one of its list, or anything when the
    /// list is not complete.
    pub fn allows_kind(&self, kind: &str) -> bool {
        !self.kinds_complete || self.kinds.iter().any(|k| k == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_complete_list_rules_a_type_out() {
        let closed = Vocabulary::new("p", vec!["A".into()], true, Vec::new());
        assert!(closed.allows_kind("A"));
        assert!(!closed.allows_kind("B"));
        let open = Vocabulary::new("p", vec!["A".into()], false, Vec::new());
        assert!(open.allows_kind("B"));
    }
}
