//! What changed in a workspace, for live lists (the web console's Intents, Agents and
//! Tasks pages):
//!
//! - `GET /v1/intents/counts`: how many intents the caller may see, per status.
//! - `GET /v1/intents/changes/stream`: SSE; an `intent.changed` frame (the intent as `GET
//!   /v1/intents/{id}` shows it) each time one the caller may see is created or changes,
//!   `resync` when some may have been missed (read the list again), `agent.changed`
//!   (`{"address"}`) when a listener of an agent of the caller's workspace appeared, expired,
//!   connected or disconnected (only for a key with `agents:read`), heartbeats, and
//!   `stream.timeout` after `wait_seconds` (default 15, at most 60) without a change.
//!
//! The stream follows the hub's change channel (`engine::hub`), which carries the ids of
//! intents in committed batches; each id is read back and shown only when `access::sees`
//! lets the caller see it.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use tokio::sync::{broadcast, mpsc};
use tokio::time::{Instant, sleep_until};

use super::AppState;
use super::error::ApiResult;
use super::extract::{Params, json_of};
use crate::protocol::access::Scope;
use crate::protocol::event::kind;
use crate::protocol::intent::IntentCountsResponse;
use crate::protocol::sse::{HEARTBEAT, encode_frame};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::engine::hub::RESYNC;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/intents/counts", get(counts))
        .route("/v1/intents/changes/stream", get(changes_stream))
}

async fn counts(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsRead)?;
    let query = super::intent_filter::from_params(&app, &caller, &params)?;
    let counts = app.store.count_intents(query).await?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    Ok(json_of(&IntentCountsResponse {
        ok: true,
        counts: counts.into_iter().collect(),
        total,
    }))
}

async fn changes_stream(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsRead)?;
    let wait = std::time::Duration::from_secs(params.int("wait_seconds", 1, 60)?.unwrap_or(15));
    // Subscribed before answering, so nothing committed after the client's list read (made
    // once this stream is open) can be missed.
    let changes = app.hub.changes();
    let (tx, rx) = mpsc::channel(32);
    let _ = tx.try_send(Bytes::from(encode_frame(None, "ready", "{}")));
    tokio::spawn(follow_changes(app, caller, changes, tx, wait));
    Ok(super::sse::sse_response(rx))
}

async fn follow_changes(
    app: AppState,
    caller: Caller,
    mut changes: broadcast::Receiver<Arc<str>>,
    tx: mpsc::Sender<Bytes>,
    wait: std::time::Duration,
) {
    let _gauge = app.metrics.stream_opened();
    let mut shutdown = app.shutdown.subscribe();
    if *shutdown.borrow() {
        return;
    }
    let mut deadline = Instant::now() + wait;
    let heartbeat = app.settings.heartbeat;
    let mut next_heartbeat = Instant::now() + heartbeat;
    loop {
        let frame = tokio::select! {
            change = changes.recv() => match change {
                Ok(id) if &*id == RESYNC => Some(encode_frame(None, "resync", "{}")),
                Ok(address) if address.starts_with("agent://") => agent_frame(&caller, &address),
                Ok(id) => changed_frame(&app, &caller, &id).await,
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    Some(encode_frame(None, "resync", "{}"))
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = sleep_until(deadline) => {
                let _ = tx.send(Bytes::from(encode_frame(None, kind::STREAM_TIMEOUT, "{}"))).await;
                return;
            }
            _ = sleep_until(next_heartbeat) => {
                next_heartbeat += heartbeat;
                Some(HEARTBEAT.to_string())
            }
            _ = shutdown.changed() => return,
            _ = tx.closed() => return,
        };
        if let Some(frame) = frame {
            if frame != HEARTBEAT {
                deadline = Instant::now() + wait;
            }
            if tx.send(Bytes::from(frame)).await.is_err() {
                return;
            }
        }
    }
}

/// The `agent.changed` frame of an address whose listeners changed, when the caller may
/// list the agents of its workspace (as `GET /v1/agents` would show it).
fn agent_frame(caller: &Caller, address: &str) -> Option<String> {
    let one = caller.address_in_workspace("x");
    let own = one.strip_suffix('x').unwrap_or(&one);
    (address.starts_with(own) && access::require(caller, Scope::AgentsRead).is_ok()).then(|| {
        encode_frame(
            None,
            "agent.changed",
            &serde_json::json!({ "address": address }).to_string(),
        )
    })
}

/// The `intent.changed` frame of `id`, when the caller may see it.
async fn changed_frame(app: &AppState, caller: &Caller, id: &str) -> Option<String> {
    match app.store.get_intent(id.to_string()).await {
        Ok(Some(row)) if access::sees(caller, &row.meta) => {
            Some(encode_frame(None, "intent.changed", &row.json))
        }
        _ => None,
    }
}
