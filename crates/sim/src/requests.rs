//! The sandbox's request log: when each request came and went, what it asked and who sent it
//! (its User-Agent), so that tests can check what only the registrar sees: that two processes
//! of a fleet never call one account at the same time, and that a rate limit held.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The most requests kept; later ones are counted but not kept.
const KEPT: usize = 1_000_000;

/// One request to the sandbox.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// When its head arrived.
    pub started: Instant,
    /// When its answer was ready.
    pub ended: Instant,
    /// Its path.
    pub path: String,
    /// Its User-Agent (empty when it sent none).
    pub user_agent: String,
}

/// Every request (but the admin calls), in the order they ended.
#[derive(Debug, Default)]
pub struct RequestLog {
    kept: Mutex<Vec<LoggedRequest>>,
}

impl RequestLog {
    /// What was logged so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn push(&self, request: LoggedRequest) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() < KEPT {
            kept.push(request);
        }
    }
}

/// The middleware that logs each request.
pub(crate) async fn log(
    State(log): State<Arc<RequestLog>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let path = request.uri().path().to_owned();
    let user_agent = request
        .headers()
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let response = next.run(request).await;
    if !path.starts_with("/admin") {
        log.push(LoggedRequest {
            started,
            ended: Instant::now(),
            path,
            user_agent,
        });
    }
    response
}
