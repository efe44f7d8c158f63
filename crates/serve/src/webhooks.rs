//! Webhook delivery: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`
//! signed by the `standardwebhooks` crate), from the journal's outbox, at least once.
//!
//! Each receiver has its own loop, so a slow or dead receiver holds up nothing else. A loop
//! claims the deliveries that are due (the journal hands out an operation's deliveries one at a
//! time, in order), sends them, and records each outcome: a 2xx ends a delivery; anything else,
//! or no answer within [`ANSWER_TIMEOUT`], schedules the next attempt on the receiver's retry
//! schedule (each delay times a random 0.9–1.1), and once the schedule is spent the delivery is
//! failed. A claim holds a delivery for [`HOLD`]: a process that dies mid-send leaves it to be
//! claimed again, and the receiver gets it twice with the same `webhook-id`.

use crate::AppState;
use crate::json::EventJson;
use crate::metrics::DeliveryOutcome;
use crate::pump::wait_for_news;
use chrono::Utc;
use futures::StreamExt;
use rand::Rng;
use regops_core::{Attempt, Delivery, EventKind, Secret};
use std::sync::Arc;
use std::time::Duration;

/// How long a receiver has to answer.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a claimed delivery is held before another sender may claim it: longer than a
/// receiver has to answer, so that a live sender is never overtaken.
pub const HOLD: Duration = Duration::from_secs(15);

/// How many deliveries one receiver's loop sends at once (each of a different operation).
const IN_FLIGHT: usize = 32;

/// The default retry schedule.
pub const DEFAULT_RETRY: [Duration; 6] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
];

/// One webhook receiver.
#[derive(Clone)]
#[non_exhaustive]
pub struct WebhookConfig {
    /// Where events are POSTed.
    pub url: String,
    /// `whsec_` and the base64 of the signing key.
    pub secret: Secret,
    /// The event kinds it wants (empty: all).
    pub kinds: Vec<EventKind>,
    /// The accounts it wants (empty: all).
    pub accounts: Vec<String>,
    /// The delays between attempts.
    pub retry: Vec<Duration>,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &shown_url(&self.url))
            .field("secret", &self.secret)
            .field("kinds", &self.kinds)
            .field("accounts", &self.accounts)
            .field("retry", &self.retry)
            .finish()
    }
}

impl WebhookConfig {
    /// A receiver of every event at `url`, signed with `secret` (`whsec_...`), on the default
    /// schedule. Refuses a secret that is not `whsec_` and the base64 of 24 to 64 bytes.
    pub fn new(url: impl Into<String>, secret: Secret) -> Result<Self, String> {
        let url = url.into();
        let shown = shown_url(&url);
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "webhook {shown}: the url must start with http:// or https://"
            ));
        }
        let key = secret
            .expose()
            .strip_prefix("whsec_")
            .ok_or_else(|| format!("webhook {shown}: the secret must start with whsec_"))?;
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(key)
            .map_err(|_| format!("webhook {shown}: the secret after whsec_ is not base64"))?;
        if !(24..=64).contains(&bytes.len()) {
            return Err(format!(
                "webhook {shown}: the secret's key has {} bytes; Standard Webhooks keys have 24 to 64",
                bytes.len()
            ));
        }
        Ok(WebhookConfig {
            url,
            secret,
            kinds: Vec::new(),
            accounts: Vec::new(),
            retry: DEFAULT_RETRY.to_vec(),
        })
    }

    /// Only these event kinds.
    pub fn kinds(mut self, kinds: Vec<EventKind>) -> Self {
        self.kinds = kinds;
        self
    }

    /// Only these accounts.
    pub fn accounts(mut self, accounts: Vec<String>) -> Self {
        self.accounts = accounts;
        self
    }

    /// The delays between attempts.
    pub fn retry(mut self, retry: Vec<Duration>) -> Self {
        self.retry = retry;
        self
    }
}

/// A receiver's URL as it may be shown (metrics labels, logs, API answers): without a user, a
/// password, a query or a fragment, which may carry credentials.
pub fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => "(a webhook URL that does not parse)".to_owned(),
    }
}

/// The signer, which holds the key (never shown).
struct Signer(standardwebhooks::Webhook);

impl Signer {
    fn new(secret: &Secret) -> Option<Signer> {
        standardwebhooks::Webhook::new(secret.expose())
            .ok()
            .map(Signer)
    }

    fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
        self.0.sign(id, timestamp, body).ok()
    }
}

/// What to do after attempt number `attempts` (1 for the first) failed: retry after the
/// schedule's delay times a random 0.9–1.1, or give up when the schedule is spent.
pub fn next_delay(retry: &[Duration], attempts: u32) -> Option<Duration> {
    let base = retry.get(attempts.checked_sub(1)? as usize)?;
    let jitter = rand::rng().random_range(0.9..=1.1);
    Some(base.mul_f64(jitter))
}

/// The loop of one receiver.
pub(crate) async fn deliver(state: Arc<AppState>, hook: WebhookConfig) {
    let shown = shown_url(&hook.url);
    let Some(signer) = Signer::new(&hook.secret) else {
        tracing::error!("webhook {shown}: the secret is not usable; nothing is sent");
        return;
    };
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(ANSWER_TIMEOUT)
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("webhook {shown}: cannot build an HTTP client: {e}");
            return;
        }
    };
    let signer = Arc::new(signer);
    loop {
        if *state.stop.borrow() {
            return;
        }
        let seen = *state.newest.borrow();
        let claimed = match state
            .journal
            .claim_deliveries(&hook.url, Utc::now(), HOLD, IN_FLIGHT * 4)
            .await
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("webhook {shown}: reading the outbox: {e}");
                Vec::new()
            }
        };
        if claimed.is_empty() {
            wait_for_news(&state, seen, crate::pump::POLL).await;
            continue;
        }
        futures::stream::iter(claimed)
            .map(|d| send(&state, &client, &signer, &hook, &shown, d))
            .buffer_unordered(IN_FLIGHT)
            .collect::<Vec<()>>()
            .await;
    }
}

/// Sends one delivery and records how it went.
async fn send(
    state: &AppState,
    client: &reqwest::Client,
    signer: &Signer,
    hook: &WebhookConfig,
    shown: &str,
    delivery: Delivery,
) {
    let body = match serde_json::to_vec(&EventJson::new(&delivery.event)) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!("webhook {shown}: encoding event {}: {e}", delivery.event.id);
            return;
        }
    };
    let timestamp = Utc::now().timestamp();
    let Some(signature) = signer.sign(&delivery.event.id, timestamp, &body) else {
        tracing::error!("webhook {shown}: signing event {}", delivery.event.id);
        return;
    };
    let answer = client
        .post(&hook.url)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.event.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    let failure = match answer {
        Ok(r) if r.status().is_success() => None,
        Ok(r) => Some(format!(
            "the receiver answered HTTP {}",
            r.status().as_u16()
        )),
        Err(e) if e.is_timeout() => {
            Some(format!("no answer within {} s", ANSWER_TIMEOUT.as_secs()))
        }
        Err(e) if e.is_connect() => Some("could not connect to the receiver".to_owned()),
        Err(_) => Some("the request to the receiver failed".to_owned()),
    };
    let attempts = delivery.attempts + 1;
    let (attempt, outcome) = match failure {
        None => (Attempt::Delivered, DeliveryOutcome::Delivered),
        Some(error) => match next_delay(&hook.retry, attempts) {
            Some(delay) => {
                let at = Utc::now()
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1));
                (Attempt::Retry { error, at }, DeliveryOutcome::Retried)
            }
            None => {
                tracing::warn!(
                    "webhook {shown}: event {} failed after {attempts} attempts: {error}",
                    delivery.event.id
                );
                (Attempt::Failed { error }, DeliveryOutcome::Failed)
            }
        },
    };
    state.metrics.delivery(shown, outcome);
    if let Err(e) = state.journal.attempted(delivery.id, attempt).await {
        // Not recorded: the hold runs out and it is sent again (at least once).
        tracing::warn!("webhook {shown}: recording delivery {}: {e}", delivery.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_followed_with_jitter_then_spent() {
        let retry = [Duration::from_secs(10), Duration::from_secs(100)];
        for _ in 0..200 {
            let first = next_delay(&retry, 1).unwrap().as_secs_f64();
            assert!((9.0..=11.0).contains(&first), "{first}");
            let second = next_delay(&retry, 2).unwrap().as_secs_f64();
            assert!((90.0..=110.0).contains(&second), "{second}");
        }
        assert_eq!(next_delay(&retry, 3), None, "spent");
        assert_eq!(next_delay(&[], 1), None);
    }

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            shown_url("https://ops:hunter2@hooks.example:8443/in?token=abc#x"),
            "https://hooks.example:8443/in"
        );
        assert_eq!(shown_url("http://127.0.0.1:9/h"), "http://127.0.0.1:9/h");
        assert!(!shown_url("nonsense").contains("nonsense"));
    }

    #[test]
    fn secrets_are_checked_and_never_shown() {
        let key = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let ok = WebhookConfig::new("http://127.0.0.1:9/h", Secret::new(key)).unwrap();
        assert!(!format!("{ok:?}").contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        for (url, secret, says) in [
            (
                "http://127.0.0.1:9/h",
                "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_",
            ),
            ("http://127.0.0.1:9/h", "whsec_%%%", "not base64"),
            ("http://127.0.0.1:9/h", "whsec_c2hvcnQ=", "5 bytes"),
            ("ftp://127.0.0.1:9/h", key, "http://"),
        ] {
            let e = WebhookConfig::new(url, Secret::new(secret)).unwrap_err();
            assert!(e.contains(says), "{e}");
            assert!(!e.contains("MfKQ9r8"), "{e}");
        }
    }
}
