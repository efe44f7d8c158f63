//! `GET /v1/events`: Server-Sent Events read from the journal's event sequence.
//!
//! Each event's SSE `id` is its sequence number, so a client that reconnects with
//! `Last-Event-ID` resumes right after the last event it saw, from any process that shares the
//! journal: nothing missed, nothing twice. Without `Last-Event-ID` the stream starts after the
//! newest event. A `Last-Event-ID` older than what the journal still keeps (or newer than its
//! newest) gets one `event: reset`, then the stream goes on from the oldest event kept.

use crate::AppState;
use crate::error::ApiError;
use crate::json::EventJson;
use crate::pump::{POLL, wait_for_news};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as Sse, KeepAlive};
use futures::Stream;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

/// How many events one read of the journal takes.
const BATCH: usize = 500;

struct Reader {
    state: Arc<AppState>,
    cursor: u64,
    queued: VecDeque<Sse>,
}

/// Server-Sent Events of every change, resumable with `Last-Event-ID`.
#[utoipa::path(
    get,
    path = "/v1/events",
    params(("Last-Event-ID" = Option<String>, Header, description = "Resume right after this sequence number")),
    responses(
        (status = 200, content_type = "text/event-stream", body = EventJson,
         description = "`id:` the sequence number, `event:` the type, `data:` the event"),
        (status = 400, body = crate::json::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn events(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<axum::response::Sse<impl Stream<Item = Result<Sse, Infallible>>>, ApiError> {
    let bounds = state
        .journal
        .event_bounds()
        .await
        .map_err(|e| ApiError::journal(&e))?;
    let last = headers
        .get("last-event-id")
        .map(|v| {
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .ok_or_else(|| ApiError::invalid("Last-Event-ID is not an event sequence number"))
        })
        .transpose()?;
    let mut queued = VecDeque::new();
    let cursor = match last {
        None => bounds.newest,
        Some(n) if n < bounds.pruned_through || n > bounds.newest => {
            let oldest = bounds.pruned_through;
            let data = serde_json::json!({ "resumed_after": oldest }).to_string();
            queued.push_back(
                Sse::default()
                    .event("reset")
                    .id(oldest.to_string())
                    .data(data),
            );
            oldest
        }
        Some(n) => n,
    };
    let reader = Reader {
        state,
        cursor,
        queued,
    };
    let stream = futures::stream::unfold(reader, |mut r| async move {
        loop {
            if let Some(e) = r.queued.pop_front() {
                return Some((Ok(e), r));
            }
            if *r.state.stop.borrow() {
                return None;
            }
            match r.state.journal.events_after(r.cursor, BATCH).await {
                Ok(events) if !events.is_empty() => {
                    for e in &events {
                        let data = serde_json::to_string(&EventJson::new(e)).unwrap_or_default();
                        r.queued.push_back(
                            Sse::default()
                                .id(e.seq.to_string())
                                .event(e.kind.as_str())
                                .data(data),
                        );
                    }
                    r.cursor = events.last().map_or(r.cursor, |e| e.seq);
                }
                Ok(_) => wait_for_news(&r.state, r.cursor, POLL).await,
                Err(e) => {
                    tracing::warn!("events stream: reading the journal: {e}");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    });
    Ok(axum::response::Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
