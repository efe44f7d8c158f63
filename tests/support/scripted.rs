//! A scripted HTTP server on loopback: it answers a list of canned answers in order (the last one
//! for ever after) and records every request it received, for tests that replay a provider's
//! documented answers byte for byte and check what the client sent.
//!
//! It runs on a thread of its own with its own runtime, so that both async tests and tests that
//! run the `regops` binary as a process can use it.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::sync::{Arc, Mutex};

/// A retry policy for clients talking to a scripted server: three attempts, milliseconds apart,
/// so that retry tests are quick.
pub fn fast_retry() -> regops_core::RetryPolicy {
    regops_core::RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(std::time::Duration::from_millis(5))
        .max_backoff(std::time::Duration::from_millis(20))
}

/// One canned answer: HTTP status, content type, body.
#[derive(Clone, Debug)]
pub struct Answer {
    status: u16,
    content_type: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    /// An answer of `status` with `content_type` and `body`.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status,
            content_type: content_type.to_owned(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A `200 application/json` answer.
    pub fn json(body: impl Into<Vec<u8>>) -> Answer {
        Answer::new(200, "application/json", body)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Answer {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The path and query.
    pub uri: String,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// When it arrived.
    pub at: std::time::Instant,
}

impl Seen {
    /// The value of header `name` (any case), or `""`.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// The body as JSON; panics when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Clone, Default)]
struct Script {
    answers: Arc<Mutex<Vec<Answer>>>,
    /// Answers chosen by what the request body holds, before the ordered ones.
    routes: Arc<Vec<(String, Answer)>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// The server; it stops when dropped.
#[derive(Debug)]
pub struct ScriptedServer {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl ScriptedServer {
    /// Starts a server answering `answers` in order; the last one is repeated.
    pub fn start(answers: Vec<Answer>) -> ScriptedServer {
        ScriptedServer::routed(Vec::new(), answers)
    }

    /// Starts a server that answers a request whose body contains a route's text, or one of
    /// whose headers is that text, with that route's answer (the first that matches), and any other request from `answers` as
    /// [`start`](Self::start) does: for calls that come in any number and order, such as a
    /// session opened by each run of the binary.
    pub fn routed(routes: Vec<(&str, Answer)>, answers: Vec<Answer>) -> ScriptedServer {
        assert!(!answers.is_empty(), "a scripted server needs an answer");
        let script = Script {
            answers: Arc::new(Mutex::new(answers)),
            routes: Arc::new(
                routes
                    .into_iter()
                    .map(|(needle, a)| (needle.to_owned(), a))
                    .collect(),
            ),
            seen: Arc::default(),
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let seen = script.seen.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let app = Router::new().fallback(answer).with_state(script);
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        ScriptedServer {
            url,
            seen,
            stop: Some(stop),
        }
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The requests received so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("not poisoned").clone()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn answer(
    State(script): State<Script>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    script.seen.lock().expect("not poisoned").push(Seen {
        at: std::time::Instant::now(),
        method: method.to_string(),
        uri: uri.to_string(),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    });
    let routed = script
        .routes
        .iter()
        .find(|(needle, _)| {
            headers.values().any(|v| v.as_bytes() == needle.as_bytes())
                || body
                    .windows(needle.len().max(1))
                    .any(|w| w == needle.as_bytes())
        })
        .map(|(_, a)| a.clone());
    let next = if let Some(a) = routed {
        a
    } else {
        let mut answers = script.answers.lock().expect("not poisoned");
        if answers.len() > 1 {
            answers.remove(0)
        } else {
            answers[0].clone()
        }
    };
    let mut response = (
        StatusCode::from_u16(next.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        next.body,
    )
        .into_response();
    let h = response.headers_mut();
    if let Ok(v) = next.content_type.parse() {
        h.insert("content-type", v);
    }
    for (name, value) in &next.headers {
        if let (Ok(n), Ok(v)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            value.parse(),
        ) {
            h.insert(n, v);
        }
    }
    response
}
