//! The dashboard: one page at `/`, its script and its style sheet, embedded in the binary (no
//! build step, no CDN, works offline). The page holds no data: it reads `/v1` like any client,
//! so the token rule is the API's. It asks for the token once and keeps it in the tab's session
//! storage, sends it as a header (the events stream is read with `fetch`, since `EventSource`
//! cannot send one), and never puts it in a URL.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const PAGE: &str = include_str!("dashboard/index.html");
const SCRIPT: &str = include_str!("dashboard/dashboard.js");
const STYLE: &str = include_str!("dashboard/dashboard.css");

/// The paths the dashboard serves without a token: they hold no data. `/dashboard.json` says
/// whether the API wants a token, so that the page asks for one before its first call rather
/// than after a refusal.
pub(crate) const PUBLIC_PATHS: [&str; 4] =
    ["/", "/dashboard.js", "/dashboard.css", "/dashboard.json"];

/// The dashboard's routes, for a service that wants a token or not.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>(token_required: bool) -> Router<S> {
    let settings = if token_required {
        r#"{"token_required": true}"#
    } else {
        r#"{"token_required": false}"#
    };
    Router::new()
        .route(
            "/dashboard.json",
            get(move || asset("application/json", settings)),
        )
        .route("/", get(|| asset("text/html; charset=utf-8", PAGE)))
        .route(
            "/dashboard.js",
            get(|| asset("text/javascript; charset=utf-8", SCRIPT)),
        )
        .route(
            "/dashboard.css",
            get(|| asset("text/css; charset=utf-8", STYLE)),
        )
}

async fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            // Nothing but this origin's own files and API.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
}
