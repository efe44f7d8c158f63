//! The Prometheus metrics of the service (`GET /metrics`), kept with `prometheus-client`.
//!
//! Every family is registered at start and every per-account series is created at 0, so that a
//! dashboard sees each account before anything happened to it.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use regops_core::{EventKind, OperationStatus};
use std::time::Duration;

/// The content type of the exposition.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    account: String,
    provider: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    account: String,
    provider: String,
    call: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallTimeLabels {
    account: String,
    provider: String,
    call: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AccountLabel {
    account: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    url: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TypeLabel {
    r#type: String,
}

/// Every status word an operation can have, `unknown` included: the `status` label's values.
pub fn status_words() -> impl Iterator<Item = &'static str> {
    OperationStatus::KNOWN
        .iter()
        .map(OperationStatus::as_str)
        .chain(["unknown"])
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn seconds_histogram() -> Histogram {
    // 0.5 ms to about 33 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 17))
}

/// The service's metrics.
pub struct Metrics {
    registry: Registry,
    operations: Family<OperationLabels, Gauge>,
    calls: Family<CallLabels, Counter>,
    call_seconds: HistogramFamily<CallTimeLabels>,
    rate_limited: Family<AccountLabel, Counter>,
    status_checks: Family<AccountLabel, Counter>,
    deliveries: Family<DeliveryLabels, Counter>,
    webhook_pending: Gauge,
    events: Family<TypeLabel, Counter>,
    journal_seconds: Histogram,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// How a webhook delivery attempt ended, as counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// 2xx.
    Delivered,
    /// Failed; attempted again later.
    Retried,
    /// Failed for good.
    Failed,
}

impl DeliveryOutcome {
    fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Retried => "retried",
            DeliveryOutcome::Failed => "failed",
        }
    }
}

impl Metrics {
    /// The metrics of a service with `accounts` (name, provider) and webhook receivers `urls`,
    /// every series at 0.
    pub fn new(accounts: &[(String, String)], urls: &[String]) -> Self {
        let mut registry = Registry::default();
        let operations = Family::<OperationLabels, Gauge>::default();
        registry.register(
            "regops_operations",
            "Operations in the journal by current status, ended ones included",
            operations.clone(),
        );
        let calls = Family::<CallLabels, Counter>::default();
        registry.register(
            "regops_provider_calls",
            "Calls made to providers, by call and outcome (ok or the error kind)",
            calls.clone(),
        );
        let call_seconds: HistogramFamily<CallTimeLabels> =
            Family::new_with_constructor(seconds_histogram);
        registry.register(
            "regops_provider_call_seconds",
            "How long provider calls took, in seconds",
            call_seconds.clone(),
        );
        let rate_limited = Family::<AccountLabel, Counter>::default();
        registry.register(
            "regops_rate_limited",
            "Provider answers that said the account was rate limited",
            rate_limited.clone(),
        );
        let status_checks = Family::<AccountLabel, Counter>::default();
        registry.register(
            "regops_status_checks",
            "Operations whose status was read from a provider",
            status_checks.clone(),
        );
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "regops_webhook_deliveries",
            "Webhook delivery attempts by receiver and outcome",
            deliveries.clone(),
        );
        let webhook_pending = Gauge::default();
        registry.register(
            "regops_webhook_pending",
            "Webhook deliveries not delivered or failed yet",
            webhook_pending.clone(),
        );
        let events = Family::<TypeLabel, Counter>::default();
        registry.register(
            "regops_events",
            "Events that entered the journal since this process started, by type",
            events.clone(),
        );
        let journal_seconds = seconds_histogram();
        registry.register(
            "regops_journal_seconds",
            "How long journal calls took, in seconds",
            journal_seconds.clone(),
        );
        let m = Metrics {
            registry,
            operations,
            calls,
            call_seconds,
            rate_limited,
            status_checks,
            deliveries,
            webhook_pending,
            events,
            journal_seconds,
        };
        for (account, provider) in accounts {
            for status in status_words() {
                m.set_operations(account, provider, status, 0);
            }
            let _ = m.calls.get_or_create(&CallLabels {
                account: account.clone(),
                provider: provider.clone(),
                call: "refresh".into(),
                outcome: "ok".into(),
            });
            let _ = m.call_seconds.get_or_create(&CallTimeLabels {
                account: account.clone(),
                provider: provider.clone(),
                call: "refresh".into(),
            });
            let a = AccountLabel {
                account: account.clone(),
            };
            let _ = m.rate_limited.get_or_create(&a);
            let _ = m.status_checks.get_or_create(&a);
        }
        for url in urls {
            for outcome in [
                DeliveryOutcome::Delivered,
                DeliveryOutcome::Retried,
                DeliveryOutcome::Failed,
            ] {
                let _ = m.deliveries.get_or_create(&DeliveryLabels {
                    url: url.clone(),
                    outcome: outcome.as_str().into(),
                });
            }
        }
        for kind in EventKind::ALL {
            let _ = m.events.get_or_create(&TypeLabel {
                r#type: kind.as_str().into(),
            });
        }
        m
    }

    /// Sets how many operations of `account` are in `status`.
    pub fn set_operations(&self, account: &str, provider: &str, status: &str, n: u64) {
        self.operations
            .get_or_create(&OperationLabels {
                account: account.into(),
                provider: provider.into(),
                status: status.into(),
            })
            .set(i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// Counts one provider call and its duration; `outcome` is `ok` or an error kind's name.
    pub fn call(&self, account: &str, provider: &str, call: &str, outcome: &str, took: Duration) {
        self.calls
            .get_or_create(&CallLabels {
                account: account.into(),
                provider: provider.into(),
                call: call.into(),
                outcome: outcome.into(),
            })
            .inc();
        self.call_seconds
            .get_or_create(&CallTimeLabels {
                account: account.into(),
                provider: provider.into(),
                call: call.into(),
            })
            .observe(took.as_secs_f64());
        if outcome == "rate_limited" {
            self.rate_limited
                .get_or_create(&AccountLabel {
                    account: account.into(),
                })
                .inc();
        }
    }

    /// Counts `n` operations whose status was read.
    pub fn status_checks(&self, account: &str, n: u64) {
        self.status_checks
            .get_or_create(&AccountLabel {
                account: account.into(),
            })
            .inc_by(n);
    }

    /// Counts one delivery attempt.
    pub fn delivery(&self, url: &str, outcome: DeliveryOutcome) {
        self.deliveries
            .get_or_create(&DeliveryLabels {
                url: url.into(),
                outcome: outcome.as_str().into(),
            })
            .inc();
    }

    /// Sets how many deliveries are pending.
    pub fn set_pending(&self, n: u64) {
        self.webhook_pending
            .set(i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// Counts one event that entered the journal.
    pub fn event(&self, kind: EventKind) {
        self.events
            .get_or_create(&TypeLabel {
                r#type: kind.as_str().into(),
            })
            .inc();
    }

    /// Observes one journal call's duration.
    pub fn journal_call(&self, took: Duration) {
        self.journal_seconds.observe(took.as_secs_f64());
    }

    /// The text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
