//! regops-sim: a sandbox registrar on loopback (DESIGN section 6).
//!
//! One HTTP server speaks the providers' protocols at their paths, with operations that move
//! through the providers' real states on a clock that can run faster than real time, seeded so
//! that a run can be repeated exactly. Faults can be injected per protocol ([`FaultRule`]), and
//! every call is counted ([`Sim::calls`]).
//!
//! Protocols served: Gandi XML-RPC at `/xmlrpc/`. Netim SOAP (`/netim/2.0/`), Route 53
//! (`/route53/`) and AutoDNS (`/autodns/v1/`, `/autodns/gateway`) join as their adapters land.
//!
//! Admin endpoints: `GET /admin/calls` (the call counts as JSON), `POST /admin/faults` (a
//! [`FaultRule`] as JSON), `DELETE /admin/faults`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = regops_sim::Sim::start(regops_sim::SimConfig::default()).await?;
//! println!("Gandi XML-RPC at {}", sim.url("gandi"));
//! # Ok(()) }
//! ```

pub mod clock;
pub mod faults;
pub mod gandi;

pub use clock::SimClock;
pub use faults::{CallLog, Fault, FaultRule, Faults};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{TimeZone, Utc};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The environment variable the configuration of [`Sim::config_toml`] reads the Gandi key from.
pub const GANDI_KEY_VARIABLE: &str = "REGOPS_SANDBOX_GANDI_KEY";

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
    /// Faults in force from the start.
    pub faults: Vec<FaultRule>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 2015,
            speed: 10.0,
            gandi_api_key: gandi::DEFAULT_API_KEY.to_owned(),
            faults: Vec::new(),
        }
    }
}

impl SimConfig {
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

    /// Adds a fault in force from the start.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }
}

struct Shared {
    gandi: gandi::GandiSim,
    faults: Faults,
    calls: CallLog,
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

impl Sim {
    /// Starts the sandbox on the current tokio runtime.
    pub async fn start(config: SimConfig) -> std::io::Result<Sim> {
        // The sandbox clock starts at a fixed date so that a seeded run is repeatable.
        let origin = Utc
            .with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
            .single()
            .unwrap_or_else(Utc::now);
        let clock = SimClock::new(origin, config.speed);
        let shared = Arc::new(Shared {
            gandi: gandi::GandiSim::new(config.gandi_api_key.clone(), clock, config.seed),
            faults: Faults::default(),
            calls: CallLog::default(),
        });
        for rule in &config.faults {
            shared.faults.add(rule.clone());
        }
        let app = Router::new()
            .route("/xmlrpc/", post(gandi_xmlrpc))
            .route("/xmlrpc", post(gandi_xmlrpc))
            .route("/admin/calls", get(admin_calls))
            .route(
                "/admin/faults",
                post(admin_add_fault).delete(admin_clear_faults),
            )
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
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
        let path = match protocol {
            "gandi" => "/xmlrpc/",
            "admin" => "/admin/",
            _ => "/",
        };
        format!("http://{}{path}", self.addr)
    }

    /// The protocols served, with their URLs.
    pub fn protocols(&self) -> Vec<(&'static str, String)> {
        vec![("gandi", self.url("gandi"))]
    }

    /// A configuration file with one account per protocol, ready for `regops --config`.
    pub fn config_toml(&self) -> String {
        format!(
            "# regops configuration for the sandbox at {addr}\n\
             default_account = \"gandi\"\n\n\
             [accounts.gandi]\n\
             provider = \"gandi\"\n\
             endpoint = \"{gandi}\"\n\
             api_key = {{ env = \"{env}\" }}  # export {env}={key}\n",
            addr = self.addr,
            gandi = self.url("gandi"),
            env = GANDI_KEY_VARIABLE,
            key = self.config.gandi_api_key,
        )
    }

    /// The Gandi API key the sandbox accepts.
    pub fn gandi_api_key(&self) -> &str {
        &self.config.gandi_api_key
    }

    /// The Gandi side, to submit operations directly.
    pub fn gandi(&self) -> &gandi::GandiSim {
        &self.shared.gandi
    }

    /// How many calls of `method` `protocol` received.
    pub fn calls(&self, protocol: &str, method: &str) -> u64 {
        self.shared.calls.count(protocol, method)
    }

    /// Adds a fault rule.
    pub fn inject(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
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
    shared.calls.record("gandi", &call.method);
    let fault = shared.faults.take("gandi", &call.method);
    match &fault {
        Some(Fault::Latency { ms }) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        Some(Fault::ServerError { status }) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, "sandbox: injected server error").into_response();
        }
        Some(Fault::RateLimit { retry_after_secs }) => {
            let mut r = (StatusCode::TOO_MANY_REQUESTS, "sandbox: rate limited").into_response();
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return r;
        }
        _ => {}
    }
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
    faulty_body(fault.as_ref(), text)
}

fn xml(status: StatusCode, text: String) -> Response {
    (status, [(header::CONTENT_TYPE, XML)], text).into_response()
}

/// The answer, spoiled as the fault says (after the call was carried out).
fn faulty_body(fault: Option<&Fault>, text: String) -> Response {
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
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(XML));
            r
        }
        Some(Fault::Truncate) => {
            let mut cut = text.len() / 2;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            xml(StatusCode::OK, text[..cut].to_owned())
        }
        Some(Fault::Malformed) => xml(
            StatusCode::OK,
            "<html><body>502 Bad Gateway</body></html>".to_owned(),
        ),
        _ => xml(StatusCode::OK, text),
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
