//! Fault injection and the call log.
//!
//! A [`FaultRule`] applies a [`Fault`] to the next `count` calls of one protocol (optionally of
//! one method). Rules are set when the sandbox starts or through `POST /admin/faults`. Every
//! call the sandbox receives is counted, faulted or not, so that a test can prove a call that
//! creates something was sent once.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// A way for the sandbox to misbehave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// Answer normally after a delay.
    Latency {
        /// The delay in milliseconds.
        ms: u64,
    },
    /// Answer with an HTTP error status without carrying the call out.
    ServerError {
        /// The status (500, 502, 503, ...).
        status: u16,
    },
    /// Refuse the call the way the provider signals rate limiting.
    RateLimit {
        /// The `Retry-After` the answer carries, in seconds.
        retry_after_secs: u64,
    },
    /// Carry the call out, then drop the connection in the middle of the answer.
    Drop,
    /// Carry the call out, then send only the first half of the answer.
    Truncate,
    /// Carry the call out, then answer a body that is not the protocol's.
    Malformed,
}

impl Fault {
    /// Whether the call is carried out before the fault shows.
    pub fn executes_call(&self) -> bool {
        matches!(
            self,
            Fault::Latency { .. } | Fault::Drop | Fault::Truncate | Fault::Malformed
        )
    }
}

/// A fault for the next `count` calls of `protocol` (and `method`, when given).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// `gandi`, `netim`, `route53` or `autodns`.
    pub protocol: String,
    /// Only calls of this method (the XML-RPC method, SOAP function, `X-Amz-Target` action or
    /// REST path); any call when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// The fault.
    pub fault: Fault,
    /// How many calls it applies to.
    #[serde(default = "one")]
    pub count: u32,
    /// When set, the rule applies to about this percentage of matching calls (seeded draws),
    /// for as long as it is in force, instead of to the next `count` calls.
    #[serde(default)]
    pub percent: Option<u8>,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    /// A rule for the next call of `protocol`.
    pub fn new(protocol: impl Into<String>, fault: Fault) -> Self {
        FaultRule {
            protocol: protocol.into(),
            method: None,
            fault,
            count: 1,
            percent: None,
        }
    }

    /// For about `percent` % of the matching calls, drawn at random (from the sandbox's seed),
    /// until the rules are cleared.
    pub fn randomly(mut self, percent: u8) -> Self {
        self.percent = Some(percent.min(100));
        self.count = u32::MAX;
        self
    }

    /// Only calls of `method`.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// For the next `n` matching calls.
    pub fn times(mut self, n: u32) -> Self {
        self.count = n;
        self
    }
}

/// The rules in force.
#[derive(Debug)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    rng: Mutex<crate::clock::Rng>,
    applied: std::sync::atomic::AtomicU64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults::seeded(0x00fa_0175)
    }
}

impl Faults {
    /// No rules, random draws from `seed`.
    pub fn seeded(seed: u64) -> Self {
        Faults {
            rules: Mutex::new(Vec::new()),
            rng: Mutex::new(crate::clock::Rng::new(seed)),
            applied: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Adds a rule.
    pub fn add(&self, rule: FaultRule) {
        if rule.count > 0 {
            self.lock().push(rule);
        }
    }

    /// How many faults were applied so far.
    pub fn applied(&self) -> u64 {
        self.applied.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The fault for this call, if a rule matches (using one of its calls); a random rule
    /// matches only when its draw says so.
    pub fn take(&self, protocol: &str, method: &str) -> Option<Fault> {
        let mut rules = self.lock();
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        let i = rules.iter().position(|r| {
            r.protocol == protocol
                && r.method.as_deref().is_none_or(|m| m == method)
                && r.percent.is_none_or(|p| rng.below(100) < u64::from(p))
        })?;
        let fault = rules[i].fault.clone();
        self.applied
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        rules[i].count -= 1;
        if rules[i].count == 0 {
            rules.remove(i);
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How many calls of each method each protocol received.
#[derive(Debug, Default)]
pub struct CallLog {
    counts: Mutex<BTreeMap<String, BTreeMap<String, u64>>>,
}

impl CallLog {
    /// Counts one call.
    pub fn record(&self, protocol: &str, method: &str) {
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        *c.entry(protocol.to_owned())
            .or_default()
            .entry(method.to_owned())
            .or_default() += 1;
    }

    /// The calls of `method` received by `protocol`.
    pub fn count(&self, protocol: &str, method: &str) -> u64 {
        let c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        c.get(protocol)
            .and_then(|m| m.get(method))
            .copied()
            .unwrap_or(0)
    }

    /// Every count, by protocol then method.
    pub fn snapshot(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        self.counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_to_matching_calls_and_run_out() {
        let f = Faults::default();
        f.add(
            FaultRule::new("gandi", Fault::Drop)
                .method("cert.create")
                .times(2),
        );
        assert_eq!(f.take("gandi", "operation.info"), None);
        assert_eq!(f.take("netim", "cert.create"), None);
        assert_eq!(f.take("gandi", "cert.create"), Some(Fault::Drop));
        assert_eq!(f.take("gandi", "cert.create"), Some(Fault::Drop));
        assert_eq!(f.take("gandi", "cert.create"), None);
    }

    #[test]
    fn rules_read_from_json() {
        let r: FaultRule = serde_json::from_str(
            r#"{"protocol":"gandi","fault":{"kind":"rate_limit","retry_after_secs":2}}"#,
        )
        .unwrap();
        assert_eq!(r.count, 1);
        assert_eq!(
            r.fault,
            Fault::RateLimit {
                retry_after_secs: 2
            }
        );
    }
}
