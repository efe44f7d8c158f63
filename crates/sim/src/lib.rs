//! regops-sim: a sandbox registrar on loopback (docs/sandbox.md).
//!
//! One HTTP server speaks the providers' protocols at their paths, with operations that move
//! through the providers' real states on a clock that can run faster than real time, seeded so
//! that a run can be repeated exactly. Faults can be injected per protocol ([`FaultRule`]), and
//! every call is counted ([`Sim::calls`]).
//!
//! Protocols served: Gandi XML-RPC at `/xmlrpc/`, Netim SOAP 2.0 at `/netim/2.0/` (WSDL at
//! `/netim/2.0/api.wsdl`), Route 53 Domains (AWS JSON 1.1, SigV4 checked) at `/route53/`, and
//! AutoDNS's JSON API at `/autodns/v1/` and XML gateway at `/autodns/gateway`.
//!
//! Admin endpoints: `GET /admin/calls` (the call counts as JSON), `POST /admin/faults` (a
//! [`FaultRule`] as JSON), `DELETE /admin/faults`, and `POST /admin/start` (`{"provider":
//! "gandi", "count": 3}`; without a provider, on each) which starts operations at the sandbox
//! itself, as a registrar's web panel or another program would, and answers them as
//! `[{"provider", "id", "type", "target"}]`. [`SimConfig::start_every`] does the same on a
//! timer.
//!
//! The clock starts at the real time of the start (so dates read naturally beside today's),
//! or at [`SimConfig::origin`] when it is set.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = regops_sim::Sim::start(regops_sim::SimConfig::default()).await?;
//! println!("Gandi XML-RPC at {}", sim.url("gandi"));
//! # Ok(()) }
//! ```

pub mod autodns;
pub mod clock;
pub mod faults;
pub mod gandi;
pub mod netim;
pub mod requests;
pub mod route53;

pub use clock::SimClock;
pub use faults::{CallLog, Fault, FaultRule, Faults};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{TimeZone, Utc};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The environment variable the configuration of [`Sim::config_toml`] reads the Gandi key from.
pub const GANDI_KEY_VARIABLE: &str = "REGOPS_SANDBOX_GANDI_KEY";
/// The environment variable the configuration reads the Netim password from.
pub const NETIM_PASSWORD_VARIABLE: &str = "REGOPS_SANDBOX_NETIM_PASSWORD";
/// The environment variables the configuration reads the Route 53 keys from.
pub const ROUTE53_KEY_VARIABLES: (&str, &str) = (
    "REGOPS_SANDBOX_AWS_ACCESS_KEY_ID",
    "REGOPS_SANDBOX_AWS_SECRET_ACCESS_KEY",
);
/// The environment variable the configuration reads a Route 53 session token from (the sandbox
/// accepts any: temporary credentials are signed with it like real ones).
pub const ROUTE53_TOKEN_VARIABLE: &str = "REGOPS_SANDBOX_AWS_SESSION_TOKEN";
/// The session token [`Sim::secret_exports`] gives.
pub const SANDBOX_SESSION_TOKEN: &str = "sandbox-session-token-0f4c2a9b7e";

/// The environment variable the configuration reads the AutoDNS password from.
pub const AUTODNS_PASSWORD_VARIABLE: &str = "REGOPS_SANDBOX_AUTODNS_PASSWORD";

/// How to start the sandbox.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SimConfig {
    /// The address to listen on (127.0.0.1 with a free port by default).
    pub listen: SocketAddr,
    /// The seed of every random draw.
    pub seed: u64,
    /// How many times faster than real time the sandbox clock runs.
    pub speed: f64,
    /// The Gandi API key accepted.
    pub gandi_api_key: String,
    /// The Netim reseller id and password accepted.
    pub netim_login: (String, String),
    /// The AWS access key id and secret access key accepted.
    pub route53_keys: (String, String),
    /// The AutoDNS user and password accepted.
    pub autodns_login: (String, String),
    /// Faults in force from the start.
    pub faults: Vec<FaultRule>,
    /// Start one operation on each provider this often (real time), as if someone else did.
    pub start_every: Option<Duration>,
    /// Where the sandbox clock starts (the real time of the start when `None`).
    pub origin: Option<chrono::DateTime<Utc>>,
    /// Whether every request is logged with its times and User-Agent ([`Sim::requests`]): test
    /// instrumentation, off unless asked, so that a long run keeps no log.
    pub log_requests: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 2015,
            speed: 10.0,
            gandi_api_key: gandi::DEFAULT_API_KEY.to_owned(),
            netim_login: (
                netim::DEFAULT_RESELLER.to_owned(),
                netim::DEFAULT_PASSWORD.to_owned(),
            ),
            route53_keys: (
                route53::DEFAULT_ACCESS_KEY_ID.to_owned(),
                route53::DEFAULT_SECRET_ACCESS_KEY.to_owned(),
            ),
            autodns_login: (
                autodns::DEFAULT_USER.to_owned(),
                autodns::DEFAULT_PASSWORD.to_owned(),
            ),
            faults: Vec::new(),
            start_every: None,
            origin: None,
            log_requests: false,
        }
    }
}

/// The URL of `protocol` (`gandi`, `netim`, `route53`, `autodns`, `autodns-gateway`, `admin`)
/// at the sandbox whose base URL is `base` (`http://127.0.0.1:PORT`).
pub fn url(base: &str, protocol: &str) -> String {
    let path = match protocol {
        "gandi" => "/xmlrpc/",
        "netim" => "/netim/2.0/",
        "route53" => "/route53/",
        "autodns" => "/autodns/v1",
        "autodns-gateway" => "/autodns/gateway",
        "admin" => "/admin/",
        _ => "/",
    };
    format!("{}{path}", base.trim_end_matches('/'))
}

impl SimConfig {
    /// A Gandi client builder for a sandbox with this configuration at `base`.
    pub fn gandi_client(&self, base: &str) -> regops_xmlrpc::GandiClientBuilder {
        regops_xmlrpc::GandiClient::builder(regops_core::Secret::new(self.gandi_api_key.clone()))
            .endpoint(url(base, "gandi"))
    }

    /// A Netim client builder for a sandbox with this configuration at `base`.
    pub fn netim_client(&self, base: &str) -> regops_soap::NetimClientBuilder {
        let (reseller, password) = &self.netim_login;
        regops_soap::NetimClient::builder(
            reseller.clone(),
            regops_core::Secret::new(password.clone()),
        )
        .endpoint(url(base, "netim"))
    }

    /// A Route 53 client builder for a sandbox with this configuration at `base`.
    pub fn route53_client(&self, base: &str) -> regops_route53::Route53ClientBuilder {
        let (id, secret) = &self.route53_keys;
        regops_route53::Route53Client::builder(regops_route53::Credentials::new(
            regops_core::Secret::new(id.clone()),
            regops_core::Secret::new(secret.clone()),
        ))
        .endpoint(url(base, "route53"))
    }

    /// An AutoDNS client builder for a sandbox with this configuration at `base`: its JSON API,
    /// or its XML gateway with `gateway`.
    pub fn autodns_client(&self, base: &str, gateway: bool) -> regops_rest::AutoDnsClientBuilder {
        let (user, password) = &self.autodns_login;
        let protocol = if gateway {
            "autodns-gateway"
        } else {
            "autodns"
        };
        regops_rest::AutoDnsClient::builder(
            user.clone(),
            regops_core::Secret::new(password.clone()),
        )
        .endpoint(url(base, protocol))
    }

    /// Sets the listen address.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the clock speed.
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = speed;
        self
    }

    /// Starts one operation on each provider every `every` (see [`SimConfig::start_every`]).
    pub fn start_every(mut self, every: Duration) -> Self {
        self.start_every = Some(every);
        self
    }

    /// Logs every request for [`Sim::requests`].
    pub fn log_requests(mut self, on: bool) -> Self {
        self.log_requests = on;
        self
    }

    /// Starts the sandbox clock at `origin`.
    pub fn origin(mut self, origin: chrono::DateTime<Utc>) -> Self {
        self.origin = Some(origin);
        self
    }

    /// Adds a fault in force from the start.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }
}

struct Shared {
    gandi: gandi::GandiSim,
    netim: netim::NetimSim,
    route53: route53::Route53Sim,
    autodns: autodns::AutoDnsSim,
    faults: Faults,
    calls: CallLog,
    requests: Arc<requests::RequestLog>,
    started: std::sync::atomic::AtomicU64,
}

/// A running sandbox. Dropping it stops the server.
pub struct Sim {
    addr: SocketAddr,
    shared: Arc<Shared>,
    config: SimConfig,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Every protocol's routes and the admin calls, on `shared`; every request logged when `log`.
fn router(shared: Arc<Shared>, log: bool) -> Router {
    let routes = Router::new()
        .route("/xmlrpc/", post(gandi_xmlrpc))
        .route("/xmlrpc", post(gandi_xmlrpc))
        .route("/netim/2.0/", post(netim_soap))
        .route("/netim/2.0", post(netim_soap))
        .route("/netim/2.0/api.wsdl", get(netim_wsdl))
        .route("/route53/", post(route53_json))
        .route("/route53", post(route53_json))
        .route("/autodns/v1/{*path}", axum::routing::any(autodns_json))
        .route("/autodns/gateway", post(autodns_gateway))
        .route("/admin/calls", get(admin_calls))
        .route(
            "/admin/faults",
            post(admin_add_fault).delete(admin_clear_faults),
        )
        .route("/admin/start", post(admin_start));
    let routes = if log {
        routes.layer(axum::middleware::from_fn_with_state(
            shared.requests.clone(),
            requests::log,
        ))
    } else {
        routes
    };
    routes.with_state(shared)
}

/// Starts one operation on each provider every `every`, as a registrar's panel would, until
/// the sandbox is gone.
async fn start_every(shared: std::sync::Weak<Shared>, every: Duration) {
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(10)));
    tick.tick().await;
    loop {
        tick.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        for protocol in Protocol::ALL {
            shared.start(protocol);
        }
    }
}

impl Sim {
    /// Starts the sandbox on the current tokio runtime.
    pub async fn start(config: SimConfig) -> std::io::Result<Sim> {
        // Outcomes are seeded; dates start from today unless the configuration fixes them.
        let origin = config.origin.unwrap_or_else(|| {
            let now = Utc::now();
            Utc.timestamp_opt(now.timestamp(), 0)
                .single()
                .unwrap_or(now)
        });
        let clock = SimClock::new(origin, config.speed);
        let shared = Arc::new(Shared {
            gandi: gandi::GandiSim::new(config.gandi_api_key.clone(), clock.clone(), config.seed),
            netim: netim::NetimSim::new(
                &config.netim_login.0,
                &config.netim_login.1,
                clock.clone(),
                config.seed,
            ),
            route53: route53::Route53Sim::new(
                &config.route53_keys.0,
                &config.route53_keys.1,
                clock.clone(),
                config.seed,
            ),
            autodns: autodns::AutoDnsSim::new(
                &config.autodns_login.0,
                &config.autodns_login.1,
                clock,
                config.seed,
            ),
            faults: Faults::seeded(config.seed),
            calls: CallLog::default(),
            requests: Arc::default(),
            started: std::sync::atomic::AtomicU64::new(0),
        });
        for rule in &config.faults {
            shared.faults.add(rule.clone());
        }
        let app = router(shared.clone(), config.log_requests);
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        if let Some(every) = config.start_every {
            tokio::spawn(start_every(Arc::downgrade(&shared), every));
        }
        tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(e) = server.await {
                tracing::error!("sandbox server stopped: {e}");
            }
        });
        Ok(Sim {
            addr,
            shared,
            config,
            stop: Some(stop),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of a protocol (`gandi`, ...), or of the admin endpoints (`admin`).
    pub fn url(&self, protocol: &str) -> String {
        url(&format!("http://{}", self.addr), protocol)
    }

    /// A Gandi client builder for this sandbox (endpoint and key set).
    pub fn gandi_client(&self) -> regops_xmlrpc::GandiClientBuilder {
        self.config.gandi_client(&self.base())
    }

    /// A Netim client builder for this sandbox (endpoint and login set).
    pub fn netim_client(&self) -> regops_soap::NetimClientBuilder {
        self.config.netim_client(&self.base())
    }

    /// A Route 53 client builder for this sandbox (endpoint and keys set).
    pub fn route53_client(&self) -> regops_route53::Route53ClientBuilder {
        self.config.route53_client(&self.base())
    }

    /// An AutoDNS client builder for this sandbox's JSON API, or its XML gateway with
    /// `gateway` (endpoint and login set).
    pub fn autodns_client(&self, gateway: bool) -> regops_rest::AutoDnsClientBuilder {
        self.config.autodns_client(&self.base(), gateway)
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The protocols served, with their URLs.
    pub fn protocols(&self) -> Vec<(&'static str, String)> {
        ["gandi", "netim", "route53", "autodns", "autodns-gateway"]
            .into_iter()
            .map(|p| (p, self.url(p)))
            .collect()
    }

    /// A configuration file with one account per protocol, ready for `regops --config`. The
    /// secrets are read from environment variables; [`Sim::secret_exports`] says which.
    pub fn config_toml(&self) -> String {
        let c = &self.config;
        format!(
            "# regops configuration for the sandbox at {addr}\n\
             default_account = \"gandi\"\n\n\
             [accounts.gandi]\n\
             provider = \"gandi\"\n\
             endpoint = \"{gandi}\"\n\
             api_key = {{ env = \"{gandi_env}\" }}\n\n\
             [accounts.netim]\n\
             provider = \"netim\"\n\
             endpoint = \"{netim}\"\n\
             reseller_id = \"{reseller}\"\n\
             password = {{ env = \"{netim_env}\" }}\n\n\
             [accounts.route53]\n\
             provider = \"route53\"\n\
             endpoint = \"{route53}\"\n\
             access_key_id = {{ env = \"{aws_id}\" }}\n\
             secret_access_key = {{ env = \"{aws_secret}\" }}\n\
             session_token = {{ env = \"{aws_token}\" }}\n\n\
             [accounts.autodns]\n\
             provider = \"autodns\"\n\
             endpoint = \"{autodns}\"\n\
             user = \"{user}\"\n\
             password = {{ env = \"{autodns_env}\" }}\n\
             requests_per_second = 20\n\n\
             [accounts.autodns-gateway]\n\
             provider = \"autodns\"\n\
             endpoint = \"{gateway}\"\n\
             user = \"{user}\"\n\
             password = {{ env = \"{autodns_env}\" }}\n\
             requests_per_second = 20\n",
            addr = self.addr,
            gandi = self.url("gandi"),
            gandi_env = GANDI_KEY_VARIABLE,
            netim = self.url("netim"),
            reseller = c.netim_login.0,
            netim_env = NETIM_PASSWORD_VARIABLE,
            route53 = self.url("route53"),
            aws_id = ROUTE53_KEY_VARIABLES.0,
            aws_secret = ROUTE53_KEY_VARIABLES.1,
            aws_token = ROUTE53_TOKEN_VARIABLE,
            autodns = self.url("autodns"),
            gateway = self.url("autodns-gateway"),
            user = c.autodns_login.0,
            autodns_env = AUTODNS_PASSWORD_VARIABLE,
        )
    }

    /// The environment variables [`Sim::config_toml`] reads, with the sandbox's values.
    pub fn secret_exports(&self) -> Vec<(&'static str, String)> {
        let c = &self.config;
        vec![
            (GANDI_KEY_VARIABLE, c.gandi_api_key.clone()),
            (NETIM_PASSWORD_VARIABLE, c.netim_login.1.clone()),
            (ROUTE53_KEY_VARIABLES.0, c.route53_keys.0.clone()),
            (ROUTE53_KEY_VARIABLES.1, c.route53_keys.1.clone()),
            (ROUTE53_TOKEN_VARIABLE, SANDBOX_SESSION_TOKEN.to_owned()),
            (AUTODNS_PASSWORD_VARIABLE, c.autodns_login.1.clone()),
        ]
    }

    /// The sandbox's configuration (its credentials among it).
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The Netim side, to submit operations directly.
    pub fn netim(&self) -> &netim::NetimSim {
        &self.shared.netim
    }

    /// The Route 53 side, to submit operations directly.
    pub fn route53(&self) -> &route53::Route53Sim {
        &self.shared.route53
    }

    /// The AutoDNS side.
    pub fn autodns(&self) -> &autodns::AutoDnsSim {
        &self.shared.autodns
    }

    /// Starts `count` operations at `protocol` as someone else would (not through a regops
    /// client), and answers them.
    pub fn start_operations(&self, protocol: Protocol, count: usize) -> Vec<Started> {
        (0..count).map(|_| self.shared.start(protocol)).collect()
    }

    /// The Gandi API key the sandbox accepts.
    pub fn gandi_api_key(&self) -> &str {
        &self.config.gandi_api_key
    }

    /// The Gandi side, to submit operations directly.
    pub fn gandi(&self) -> &gandi::GandiSim {
        &self.shared.gandi
    }

    /// How many calls `protocol` received, all methods together.
    pub fn total_calls(&self, protocol: &str) -> u64 {
        self.shared
            .calls
            .snapshot()
            .get(protocol)
            .map_or(0, |m| m.values().sum())
    }

    /// How many calls of `method` `protocol` received.
    pub fn calls(&self, protocol: &str, method: &str) -> u64 {
        self.shared.calls.count(protocol, method)
    }

    /// Adds a fault rule.
    pub fn inject(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }

    /// Every request so far (the admin calls aside): when, what, and its User-Agent; empty
    /// unless the sandbox was started with [`SimConfig::log_requests`].
    pub fn requests(&self) -> Vec<requests::LoggedRequest> {
        self.shared.requests.requests()
    }

    /// How many injected faults were applied so far.
    pub fn faults_applied(&self) -> u64 {
        self.shared.faults.applied()
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Stops the server (as dropping it does).
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The providers the sandbox speaks, by the names the configuration uses.
pub const PROVIDERS: [&str; 4] = ["gandi", "netim", "route53", "autodns"];

/// A provider the sandbox speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// Gandi's XML-RPC API.
    Gandi,
    /// Netim's SOAP API.
    Netim,
    /// Route 53 Domains.
    Route53,
    /// AutoDNS (its JSON API's jobs).
    AutoDns,
}

impl Protocol {
    /// Every one, in the order of [`PROVIDERS`].
    pub const ALL: [Protocol; 4] = [
        Protocol::Gandi,
        Protocol::Netim,
        Protocol::Route53,
        Protocol::AutoDns,
    ];

    /// Its name in the configuration (`gandi`, `netim`, `route53`, `autodns`).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Gandi => "gandi",
            Protocol::Netim => "netim",
            Protocol::Route53 => "route53",
            Protocol::AutoDns => "autodns",
        }
    }

    /// The provider named `name`, if the sandbox speaks it.
    pub fn named(name: &str) -> Option<Protocol> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// An operation the sandbox started by itself.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Started {
    /// The provider.
    pub provider: String,
    /// Its id as the provider's API names it.
    pub id: String,
    /// Its type, as the provider's API spells it.
    #[serde(rename = "type")]
    pub kind: String,
    /// The domain it is about.
    pub target: String,
}

impl Shared {
    /// Starts one operation at `provider`, of a type that provider has.
    fn start(&self, protocol: Protocol) -> Started {
        let n = self
            .started
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let provider = protocol.name();
        let target = format!("panel-{n}-{provider}.example");
        let (kind, id) = match protocol {
            Protocol::Gandi => {
                let kind = ["domain_renew", "domain_create", "domain_transfer_in"][n as usize % 3];
                (kind, self.gandi.submit(kind, &target).to_string())
            }
            Protocol::Netim => {
                let kind = ["domainRenew", "domainCreate"][n as usize % 2];
                (kind, self.netim.submit(kind, &target).to_string())
            }
            Protocol::Route53 => (
                "REGISTER_DOMAIN",
                self.route53.submit("REGISTER_DOMAIN", &target),
            ),
            Protocol::AutoDns => (
                "DomainCancelation",
                self.autodns.start_job(&target).to_string(),
            ),
        };
        Started {
            provider: provider.to_owned(),
            id,
            kind: kind.to_owned(),
            target,
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StartRequest {
    provider: Option<String>,
    #[serde(default = "one")]
    count: usize,
}

fn one() -> usize {
    1
}

async fn admin_start(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request = if body.is_empty() {
        StartRequest {
            provider: None,
            count: 1,
        }
    } else {
        match serde_json::from_slice::<StartRequest>(&body) {
            Ok(r) => r,
            Err(e) => {
                return (
                    StatusCode::BAD_REQUEST,
                    format!("not a start request: {e}\n"),
                )
                    .into_response();
            }
        }
    };
    let protocols: Vec<Protocol> = match request.provider.as_deref().map(Protocol::named) {
        Some(Some(p)) => vec![p],
        Some(None) => {
            let p = request.provider.as_deref().unwrap_or_default();
            return (
                StatusCode::BAD_REQUEST,
                format!("unknown provider `{p}` (gandi, netim, route53 or autodns)\n"),
            )
                .into_response();
        }
        None => Protocol::ALL.to_vec(),
    };
    if request.count > 10_000 {
        return (StatusCode::BAD_REQUEST, "count is at most 10000\n").into_response();
    }
    let started: Vec<Started> = protocols
        .into_iter()
        .flat_map(|p| (0..request.count).map(move |_| p))
        .map(|p| shared.start(p))
        .collect();
    axum::Json(started).into_response()
}

const XML: &str = "text/xml";
const LIMITS_BYTES: usize = 8 * 1024 * 1024;

async fn gandi_xmlrpc(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let limits = regops_xmlrpc::Limits::default().max_body_bytes(LIMITS_BYTES);
    let call = match regops_xmlrpc::decode_call(&body, &limits) {
        Ok(c) => c,
        Err(e) => {
            shared.calls.record("gandi", "(undecodable)");
            let f = regops_xmlrpc::Fault {
                code: 510000,
                string: format!("Error on object : OBJECT_REQUEST (CAUSE_BADREQUEST) [{e}]"),
            };
            return xml(
                StatusCode::OK,
                regops_xmlrpc::encode_fault(&f).unwrap_or_default(),
            );
        }
    };
    let fault = match before_call(&shared, "gandi", &call.method, http_rate_limited).await {
        Ok(f) => f,
        Err(refused) => return refused,
    };
    let answer = match shared.gandi.call(&call) {
        Ok(v) => regops_xmlrpc::encode_response(&v),
        Err(f) => regops_xmlrpc::encode_fault(&f),
    };
    let text = answer.unwrap_or_else(|e| {
        let f = regops_xmlrpc::Fault {
            code: 150000,
            string: format!("sandbox could not encode its answer: {e}"),
        };
        regops_xmlrpc::encode_fault(&f).unwrap_or_default()
    });
    faulty_body(fault.as_ref(), StatusCode::OK, XML, text)
}

fn xml(status: StatusCode, text: String) -> Response {
    (status, [(header::CONTENT_TYPE, XML)], text).into_response()
}

/// Records a call and applies the faults that act before it runs: added latency (then it runs),
/// an injected server error, or rate limiting as the provider signals it (`rate_limited`).
/// Answers the fault to apply to the answer, or the refusal to send instead.
async fn before_call(
    shared: &Shared,
    protocol: &str,
    method: &str,
    rate_limited: fn(u64) -> Response,
) -> Result<Option<Fault>, Response> {
    shared.calls.record(protocol, method);
    let fault = shared.faults.take(protocol, method);
    match &fault {
        Some(Fault::Latency { ms }) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        Some(Fault::ServerError { status }) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Err((status, "sandbox: injected server error").into_response());
        }
        Some(Fault::RateLimit { retry_after_secs }) => return Err(rate_limited(*retry_after_secs)),
        _ => {}
    }
    Ok(fault)
}

/// HTTP 429 with `Retry-After` (Gandi, Netim, AutoDNS).
fn http_rate_limited(retry_after_secs: u64) -> Response {
    let mut r = (StatusCode::TOO_MANY_REQUESTS, "sandbox: rate limited").into_response();
    if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// AWS throttling: HTTP 400 with `ThrottlingException` (Route 53).
fn aws_throttled(_retry_after_secs: u64) -> Response {
    let (_, body) = route53::error(400, "ThrottlingException", "Rate exceeded");
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, AWS_JSON)],
        body,
    )
        .into_response()
}

const AWS_JSON: &str = "application/x-amz-json-1.1";
const JSON: &str = "application/json";

async fn netim_soap(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let (function, params) = match regops_soap::encoding::decode_call(&body) {
        Ok(call) => call,
        Err(e) => {
            shared.calls.record("netim", "(undecodable)");
            let f = regops_soap::encoding::Fault {
                code: "Client".into(),
                string: format!("Bad Request: {}", e.message()),
            };
            return xml(
                StatusCode::INTERNAL_SERVER_ERROR,
                regops_soap::encoding::fault_envelope(&f),
            );
        }
    };
    let fault = match before_call(&shared, "netim", &function, http_rate_limited).await {
        Ok(f) => f,
        Err(refused) => return refused,
    };
    let (status, text) = match shared.netim.call(&function, &params) {
        Ok(v) => (
            StatusCode::OK,
            regops_soap::encoding::response_envelope("urn:DRS", &function, &v),
        ),
        Err(f) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            regops_soap::encoding::fault_envelope(&f),
        ),
    };
    faulty_body(fault.as_ref(), status, XML, text)
}

async fn netim_wsdl() -> Response {
    xml(StatusCode::OK, netim::WSDL.to_owned())
}

async fn route53_json(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let operation = target.rsplit('.').next().unwrap_or("").to_owned();
    let fault = match before_call(&shared, "route53", &operation, aws_throttled).await {
        Ok(f) => f,
        Err(refused) => return refused,
    };
    let pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let (status, text) = match shared.route53.verify(&pairs, uri.path(), &body) {
        Ok(()) => shared.route53.call(&operation, &body),
        Err((status, kind, message)) => route53::error(status, kind, &message),
    };
    faulty_body(
        fault.as_ref(),
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        AWS_JSON,
        text,
    )
}

async fn autodns_json(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_start_matches("/autodns/v1").to_owned();
    let name = format!("{method} {}", route_name(&path));
    let fault = match before_call(&shared, "autodns", &name, http_rate_limited).await {
        Ok(f) => f,
        Err(refused) => return refused,
    };
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let (status, text) = shared.autodns.handle(
        method.as_str(),
        &path,
        header("authorization"),
        header("x-domainrobot-context"),
        &body,
    );
    faulty_body(
        fault.as_ref(),
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        JSON,
        text,
    )
}

async fn autodns_gateway(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let task = regops_http::xml::parse(&body, "autodns")
        .ok()
        .and_then(|r| r.text_at(&["task", "code"]).map(str::to_owned))
        .unwrap_or_else(|| "(undecodable)".to_owned());
    let fault = match before_call(&shared, "autodns-gateway", &task, http_rate_limited).await {
        Ok(f) => f,
        Err(refused) => return refused,
    };
    let (status, text) = shared.autodns.gateway(&body);
    faulty_body(
        fault.as_ref(),
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        XML,
        text,
    )
}

/// A route's name for the call log: digits and domain names replaced (`/job/{id}`).
fn route_name(path: &str) -> String {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let named: Vec<&str> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty() {
                "{id}"
            } else if i == 1 && parts[0] == "domain" && *p != "cancelation" {
                "{name}"
            } else {
                p
            }
        })
        .collect();
    format!("/{}", named.join("/"))
}

/// The answer, spoiled as the fault says (after the call was carried out).
fn faulty_body(
    fault: Option<&Fault>,
    status: StatusCode,
    content_type: &'static str,
    text: String,
) -> Response {
    let plain = |status: StatusCode, text: String| {
        (status, [(header::CONTENT_TYPE, content_type)], text).into_response()
    };
    match fault {
        Some(Fault::Drop) => {
            let half = text.as_bytes()[..text.len() / 2].to_vec();
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from(half)),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "sandbox: dropped",
                )),
            ];
            let mut r = Response::new(Body::from_stream(futures::stream::iter(chunks)));
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            r
        }
        Some(Fault::Truncate) => {
            let mut cut = text.len() / 2;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            plain(status, text[..cut].to_owned())
        }
        Some(Fault::Malformed) => plain(
            StatusCode::OK,
            "<html><body>502 Bad Gateway</body></html>".to_owned(),
        ),
        _ => plain(status, text),
    }
}

async fn admin_calls(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(shared.calls.snapshot()).into_response()
}

async fn admin_add_fault(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<FaultRule>(&body) {
        Ok(rule) => {
            shared.faults.add(rule);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, format!("not a fault rule: {e}\n")).into_response(),
    }
}

async fn admin_clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    shared.faults.clear();
    StatusCode::NO_CONTENT.into_response()
}
