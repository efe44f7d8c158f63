//! regops-serve: the tracking service that `regops serve` runs.
//!
//! It finds every operation of every account (discovery, also those started elsewhere), follows
//! each to its end with the core [`Tracker`], records every change in the [`Journal`] — which
//! appends the event and its webhook deliveries in the same transaction — and tells the
//! platform: an HTTP API over the journal, Server-Sent Events resumable by sequence number,
//! durable Standard Webhooks, Prometheus metrics and an OpenAPI document generated from the
//! code. `docs/serve.md` is its manual.
//!
//! ```no_run
//! # async fn demo(backend: std::sync::Arc<dyn regops_core::Backend>) -> Result<(), Box<dyn std::error::Error>> {
//! use regops_serve::{AccountSpec, ServeConfig, Service};
//! let journal = std::sync::Arc::new(regops_core::MemoryJournal::new());
//! let service = Service::new(
//!     ServeConfig::default(),
//!     vec![AccountSpec::new("gandi", backend)],
//!     journal,
//! )
//! .await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:7300").await?;
//! service.run(listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

mod api;
mod dashboard;
mod discovery;
pub mod error;
mod events;
pub mod json;
mod leases;
pub mod metered;
pub mod metrics;
mod openapi;
mod pump;
mod webhooks;

pub use openapi::openapi_json;
pub use webhooks::{WebhookConfig, shown_url};

use metered::{AccountStats, MeteredBackend, TimedJournal};
use metrics::Metrics;
use regops_core::{
    Backend, Error, Gate, Journal, RateLimiter, Secret, Subscription, Tracker, TrackerHandle,
    TrackerOptions,
};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7300";

/// How long events are kept at least.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// How the service runs (the `[serve]` table and `[[webhooks]]` of the configuration, secrets
/// resolved).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServeConfig {
    /// The bearer token of `/v1` and `/metrics` (none: loopback only).
    pub token: Option<Secret>,
    /// How often each account is listed for new operations (`None`: never).
    pub discover: Option<Duration>,
    /// On the first listing, operations submitted this far back.
    pub discover_since: Duration,
    /// The webhook receivers.
    pub webhooks: Vec<WebhookConfig>,
    /// How long events are kept at least.
    pub retention: Duration,
    /// How the tracker paces itself.
    pub tracker: TrackerOptions,
    /// In a fleet (several processes on one journal): each account's lease, renewed every
    /// third of it. `None`: one machine, every account swept by this process.
    pub lease: Option<Duration>,
    /// This process's name among the fleet's (the owner of its leases).
    pub owner: String,
}

/// The default lease of a fleet.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// A name for this process in a fleet: the host's name and the process id.
pub fn default_owner() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "regops".to_owned());
    format!("{host}:{}", std::process::id())
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            token: None,
            discover: Some(Duration::from_secs(300)),
            discover_since: Duration::from_secs(2 * 24 * 3600),
            webhooks: Vec::new(),
            retention: DEFAULT_RETENTION,
            tracker: TrackerOptions::new()
                .intervals(Duration::from_secs(2), Duration::from_secs(300)),
            lease: None,
            owner: default_owner(),
        }
    }
}

impl ServeConfig {
    /// Sets the token.
    pub fn token(mut self, token: Option<Secret>) -> Self {
        self.token = token;
        self
    }

    /// Sets the discovery interval (`None`: off).
    pub fn discover(mut self, every: Option<Duration>) -> Self {
        self.discover = every;
        self
    }

    /// Sets how far back the first listing looks.
    pub fn discover_since(mut self, since: Duration) -> Self {
        self.discover_since = since;
        self
    }

    /// Adds a webhook receiver.
    pub fn webhook(mut self, webhook: WebhookConfig) -> Self {
        self.webhooks.push(webhook);
        self
    }

    /// Sets the tracker's options.
    pub fn tracker(mut self, options: TrackerOptions) -> Self {
        self.tracker = options;
        self
    }

    /// Runs as a member of a fleet with this lease per account (`None`: one machine).
    pub fn lease(mut self, lease: Option<Duration>) -> Self {
        self.lease = lease;
        self
    }

    /// Names this process among the fleet's.
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = owner.into();
        self
    }
}

/// Whether the service may listen on `addr`: anything but loopback needs a token. Answers the
/// one line that says why not.
pub fn check_listen(addr: &SocketAddr, has_token: bool) -> Result<(), String> {
    if addr.ip().is_loopback() || has_token {
        Ok(())
    } else {
        Err(format!(
            "refusing to listen on {addr} without a token: set [serve] token (anything but \
             127.0.0.0/8, ::1 or localhost is reachable from other machines)"
        ))
    }
}

/// Reads a listen address: `HOST:PORT` with an IP address or `localhost`.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Some(port) = text.strip_prefix("localhost:") {
        let port: u16 = port
            .parse()
            .map_err(|_| format!("listen address {text:?}: the port is not a number"))?;
        return Ok(SocketAddr::new(IpAddr::from([127, 0, 0, 1]), port));
    }
    text.parse().map_err(|_| {
        format!("listen address {text:?} is not HOST:PORT (like 127.0.0.1:7300 or [::1]:7300)")
    })
}

/// One account the service follows.
#[non_exhaustive]
pub struct AccountSpec {
    /// Its name in the configuration.
    pub name: String,
    /// Its backend.
    pub backend: Arc<dyn Backend>,
    /// The most calls per second to it (the provider's documented pace when `None`).
    pub requests_per_second: Option<f64>,
}

impl AccountSpec {
    /// An account paced at its provider's documented rate.
    pub fn new(name: impl Into<String>, backend: Arc<dyn Backend>) -> Self {
        AccountSpec {
            name: name.into(),
            backend,
            requests_per_second: None,
        }
    }

    /// Paces it at `per_second` calls.
    pub fn requests_per_second(mut self, per_second: Option<f64>) -> Self {
        self.requests_per_second = per_second;
        self
    }
}

/// One account as the service holds it.
pub(crate) struct Account {
    pub provider: String,
    pub backend: Arc<MeteredBackend>,
    pub limiter: Option<Arc<RateLimiter>>,
    pub stats: Arc<AccountStats>,
    /// Open while this process may sweep the account (always, on one machine).
    pub gate: Gate,
}

impl Account {
    /// Waits for a slot of the account's rate.
    pub async fn pace(&self) {
        if let Some(l) = &self.limiter {
            l.acquire().await;
        }
    }

    /// Makes `call` (a read of the sweeps or of discovery) while the account's gate is open;
    /// an error if it closes first (another process sweeps the account now).
    pub async fn gated<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        self.gate.guard(call).await.unwrap_or_else(|| {
            Err(Error::transport(
                false,
                "this process no longer holds the account's lease",
            ))
        })
    }
}

/// What every part of the service shares.
pub(crate) struct AppState {
    pub journal: Arc<dyn Journal>,
    pub accounts: BTreeMap<String, Account>,
    pub tracker: TrackerHandle,
    pub token: Option<Secret>,
    pub metrics: Arc<Metrics>,
    /// Poked whenever this process wrote to the journal.
    pub wrote: Arc<Notify>,
    /// The newest event sequence number this process has seen in the journal.
    pub newest: watch::Receiver<u64>,
    pub ready: AtomicBool,
    pub stop: watch::Receiver<bool>,
    /// In a fleet: this process's name and the lease.
    pub fleet: Option<(String, Duration)>,
}

impl AppState {
    /// The account named `name`.
    pub fn account(&self, name: &str) -> Result<&Account, error::ApiError> {
        self.accounts.get(name).ok_or_else(|| {
            error::ApiError::not_found(format!(
                "no account `{name}` (accounts: {})",
                self.accounts.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

/// The tracking service, built and ready to [`run`](Service::run).
pub struct Service {
    state: Arc<AppState>,
    events: futures::stream::BoxStream<'static, regops_core::TrackerEvent>,
    webhooks: Vec<WebhookConfig>,
    discover: Option<Duration>,
    discover_since: Duration,
    retention: Duration,
    stop: watch::Sender<bool>,
    newest: watch::Sender<u64>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("accounts", &self.state.accounts.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Service {
    /// Builds the service: every account metered and paced, the journal subscribed to the
    /// webhooks, and the tracker resumed from the journal (not yet running its sweeps' calls
    /// until [`run`](Self::run) is polled).
    pub async fn new(
        config: ServeConfig,
        accounts: Vec<AccountSpec>,
        journal: Arc<dyn Journal>,
    ) -> Result<Service, Error> {
        let names: Vec<(String, String)> = accounts
            .iter()
            .map(|a| (a.name.clone(), a.backend.provider().to_owned()))
            .collect();
        let urls: Vec<String> = config
            .webhooks
            .iter()
            .map(|w| webhooks::shown_url(&w.url))
            .collect();
        let metrics = Arc::new(Metrics::new(&names, &urls));
        let journal: Arc<dyn Journal> = Arc::new(TimedJournal::new(journal, metrics.clone()));
        journal.subscribe(
            config
                .webhooks
                .iter()
                .map(|w| {
                    Subscription::new(w.url.clone())
                        .kinds(w.kinds.iter().copied())
                        .accounts(w.accounts.iter().cloned())
                })
                .collect(),
        );
        let mut tracker =
            Tracker::new(config.tracker.clone().keep_running(true)).with_journal(journal.clone());
        let mut held = BTreeMap::new();
        let fleet = config.lease.map(|l| (config.owner.clone(), l));
        for spec in accounts {
            let rate = spec
                .requests_per_second
                .or(spec.backend.capabilities().rate_limit_per_second);
            let limiter = rate.map(|r| Arc::new(RateLimiter::new(r, 1)));
            let stats = Arc::new(AccountStats::default());
            let provider = spec.backend.provider().to_owned();
            let backend = Arc::new(MeteredBackend::new(
                &spec.name,
                spec.backend,
                metrics.clone(),
                stats.clone(),
            ));
            tracker.add_account_with_limiter(spec.name.clone(), backend.clone(), limiter.clone());
            // In a fleet the gate opens once the lease is taken.
            let gate = if fleet.is_some() {
                Gate::closed()
            } else {
                Gate::open()
            };
            tracker.set_gate(&spec.name, gate.clone());
            held.insert(
                spec.name,
                Account {
                    provider,
                    backend,
                    limiter,
                    stats,
                    gate,
                },
            );
        }
        // In a fleet, an account's operations are taken from the journal with its lease.
        let (resumed, missing) = if fleet.is_some() {
            let mut gone: Vec<String> = Vec::new();
            for (account, _, _) in journal.counts().await? {
                if !held.contains_key(&account) && !gone.contains(&account) {
                    gone.push(account);
                }
            }
            (0, gone)
        } else {
            tracker.resume().await?
        };
        if resumed > 0 {
            tracing::info!("resumed {resumed} operations from the journal");
        }
        for account in missing {
            tracing::warn!(
                "the journal holds operations of account `{account}`, which the configuration no longer has; they wait"
            );
        }
        let newest_seq = journal.event_bounds().await?.newest;
        let (handle, events) = tracker.start();
        let (stop, stop_rx) = watch::channel(false);
        let (newest, newest_rx) = watch::channel(newest_seq);
        let state = Arc::new(AppState {
            journal,
            accounts: held,
            tracker: handle,
            token: config.token,
            metrics,
            wrote: Arc::new(Notify::new()),
            newest: newest_rx,
            ready: AtomicBool::new(false),
            stop: stop_rx,
            fleet,
        });
        Ok(Service {
            state,
            events,
            webhooks: config.webhooks,
            discover: config.discover,
            discover_since: config.discover_since,
            retention: config.retention,
            stop,
            newest,
        })
    }

    /// The HTTP API of this service, for tests or for mounting in another router.
    pub fn router(&self) -> axum::Router {
        api::router(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` completes, then stops gracefully: no new calls,
    /// the calls under way finished, the journal left consistent.
    pub async fn run(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let state = self.state.clone();
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(pump::tracker_events(state.clone(), self.events));
        tasks.spawn(pump::journal_events(state.clone(), self.newest));
        tasks.spawn(pump::prune(state.clone(), self.retention));
        if let Some((owner, lease)) = state.fleet.clone() {
            tasks.spawn(leases::run(state.clone(), owner, lease));
        }
        for hook in self.webhooks {
            tasks.spawn(webhooks::deliver(state.clone(), hook));
        }
        if let Some(every) = self.discover {
            for name in state.accounts.keys() {
                tasks.spawn(discovery::run(
                    state.clone(),
                    name.clone(),
                    every,
                    self.discover_since,
                ));
            }
        }
        state.ready.store(true, Ordering::SeqCst);
        let addr = listener.local_addr()?;
        tracing::info!("regops serve listening on http://{addr}");
        let stop = self.stop;
        let app = api::router(state.clone());
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                shutdown.await;
            })
            .await;
        tracing::info!("stopping: no new calls; finishing the calls under way");
        state.ready.store(false, Ordering::SeqCst);
        state.tracker.stop();
        let _ = stop.send(true);
        // Every task stops at its next await point; a call under way is given a while to end.
        let drained = tokio::time::timeout(Duration::from_secs(15), async {
            while tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("some calls did not end within 15 s; abandoned");
            tasks.abort_all();
        }
        if let Some((owner, _)) = &state.fleet {
            leases::release(&state, owner).await;
        }
        served
    }
}
