//! The two SSE streams (spec §2.4–2.6): an intent's lifecycle events, and an agent's
//! deliveries. Both replay from the cursor, then wait on the notification hub; once a
//! frame was written they linger briefly and end (buffering clients only see a response
//! when it ends); an idle stream ends after `wait_seconds` with `stream.timeout`.
//! Shutdown ends every stream so graceful shutdown never waits on them.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum::routing::get;
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tokio_stream::wrappers::ReceiverStream;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::Params;
use super::intents::checked_id;
use crate::protocol::access::Scope;
use crate::protocol::event::kind;
use crate::protocol::mesh::{Health, KilledFrame, event_type::KILLED};
use crate::protocol::sse::{HEARTBEAT, encode_frame};
use crate::protocol::{AgentDelivery, Intent, Status};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::engine::hub::{Subscription, Topic};
use crate::server::engine::lifecycle;
use crate::server::engine::mesh::Kill;
use crate::server::store::DeliveryQuery;

/// Deliveries read per query while replaying.
const DELIVERY_PAGE: u32 = 100;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/intents/{intent_id}/events/stream", get(intent_stream))
}

/// Cursor and wait of a stream request: `since` (or `Last-Event-ID`) and `wait_seconds`.
pub struct StreamParams {
    pub since: u64,
    pub wait: Duration,
}

pub fn stream_params(params: &Params, headers: &HeaderMap) -> ApiResult<StreamParams> {
    let since = match params.int("since", 0, i64::MAX as u64)? {
        Some(n) => n,
        None => headers
            .get("last-event-id")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0),
    };
    let wait = params.int("wait_seconds", 1, 60)?.unwrap_or(15);
    Ok(StreamParams {
        since,
        wait: Duration::from_secs(wait),
    })
}

pub(super) fn sse_response(rx: mpsc::Receiver<Bytes>) -> Response {
    let body = Body::from_stream(ReceiverStream::new(rx).map(Ok::<_, Infallible>));
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// How a wait between replays ended.
enum Woken {
    /// New commits may be there: read again.
    Notified,
    /// Time is up, the client left, or the server is stopping.
    Done,
}

/// Waits for the hub, the deadline (idle: write `stream.timeout`), heartbeats, client
/// departure or shutdown.
async fn wait_for_news(
    app: &AppState,
    notified: std::pin::Pin<&mut tokio::sync::futures::Notified<'_>>,
    tx: &mpsc::Sender<Bytes>,
    deadline: Instant,
    timeout_frame: Option<String>,
) -> Woken {
    let mut notified = notified;
    let mut shutdown = app.shutdown.subscribe();
    if *shutdown.borrow() {
        return Woken::Done;
    }
    let heartbeat = app.settings.heartbeat;
    let mut next_heartbeat = Instant::now() + heartbeat;
    loop {
        tokio::select! {
            _ = notified.as_mut() => return Woken::Notified,
            _ = sleep_until(deadline) => {
                if let Some(frame) = timeout_frame {
                    let _ = tx.send(Bytes::from(frame)).await;
                }
                return Woken::Done;
            }
            _ = sleep_until(next_heartbeat) => {
                if tx.send(Bytes::from_static(HEARTBEAT.as_bytes())).await.is_err() {
                    return Woken::Done;
                }
                next_heartbeat += heartbeat;
            }
            _ = shutdown.changed() => return Woken::Done,
            _ = tx.closed() => return Woken::Done,
        }
    }
}

fn timeout_frame(next_seq: u64) -> String {
    encode_frame(
        None,
        kind::STREAM_TIMEOUT,
        &format!("{{\"next_seq\":{next_seq}}}"),
    )
}

async fn intent_stream(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsRead)?;
    let intent_id = checked_id(&raw_id)?;
    let StreamParams { since, wait } = stream_params(&params, &headers)?;
    // Subscribe before the first read, so nothing committed after it can be missed.
    let subscription = app.hub.subscribe(Topic::Intent, &intent_id);
    let published = subscription.published();
    let first = match app.store.events_after(intent_id.clone(), since).await? {
        Some((row, events)) if access::sees(&caller, &row.meta) => (row, events),
        _ => return Err(ApiError::intent_not_found(&intent_id)),
    };
    let (tx, rx) = mpsc::channel(32);
    // What is already there goes out with the response head, in one write.
    let replay = Replay::of(&first.1, since);
    let mut cursor = replay.cursor;
    if !replay.frames.is_empty() {
        let _ = tx.try_send(Bytes::from(replay.frames));
    }
    if replay.terminal {
        return Ok(sse_response(rx));
    }
    // A finished intent with nothing after the cursor idles like any other stream, up to
    // `wait_seconds`: answering at once made reconnecting watchers spin.
    let linger = (!first.1.is_empty()).then(|| Instant::now() + app.settings.linger);
    if replay.unreadable {
        cursor = u64::MAX;
    }
    tokio::spawn(run_intent_stream(
        app,
        intent_id,
        cursor,
        wait,
        linger,
        tx,
        (subscription, published),
    ));
    Ok(sse_response(rx))
}

#[derive(Deserialize)]
struct EventHead {
    seq: u64,
    event_type: String,
    status: Status,
}

/// Frames of a run of events, written as one chunk (one write, not one per event).
struct Replay {
    frames: String,
    /// Seq of the last event framed.
    cursor: u64,
    /// A terminal event was framed: the stream ends after it.
    terminal: bool,
    /// A stored event could not be read; the stream must end.
    unreadable: bool,
}

impl Replay {
    fn of(events: &[String], since: u64) -> Replay {
        let mut replay = Replay {
            frames: String::new(),
            cursor: since,
            terminal: false,
            unreadable: false,
        };
        for json in events {
            let Ok(head) = serde_json::from_str::<EventHead>(json) else {
                replay.unreadable = true;
                return replay;
            };
            replay
                .frames
                .push_str(&encode_frame(Some(head.seq), &head.event_type, json));
            replay.cursor = head.seq;
            if head.status.is_terminal() {
                replay.terminal = true;
                return replay;
            }
        }
        replay
    }
}

async fn run_intent_stream(
    app: AppState,
    intent_id: String,
    mut cursor: u64,
    wait: Duration,
    mut linger_until: Option<Instant>,
    tx: mpsc::Sender<Bytes>,
    (subscription, mut published): (Subscription, u64),
) {
    if cursor == u64::MAX {
        return;
    }
    let _gauge = app.metrics.stream_opened();
    let idle_deadline = Instant::now() + wait;
    loop {
        let notified = subscription.notify().notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        // The handler's read (or the last one here) is current unless something was
        // published since it began: then wait without reading again.
        let now_published = subscription.published();
        if now_published == published {
            let (deadline, frame) = match linger_until {
                Some(at) => (at, None),
                None => (idle_deadline, Some(timeout_frame(cursor))),
            };
            if let Woken::Done = wait_for_news(&app, notified.as_mut(), &tx, deadline, frame).await
            {
                return;
            }
            continue;
        }
        published = now_published;
        let Ok(Some((_, events))) = app.store.events_after(intent_id.clone(), cursor).await else {
            return;
        };
        let replay = Replay::of(&events, cursor);
        if !replay.frames.is_empty() && tx.send(Bytes::from(replay.frames)).await.is_err() {
            return;
        }
        cursor = replay.cursor;
        if replay.terminal || replay.unreadable {
            return;
        }
        if !events.is_empty() && linger_until.is_none() {
            linger_until = Some(Instant::now() + app.settings.linger);
        }
        let (deadline, frame) = match linger_until {
            Some(at) => (at, None),
            None => (idle_deadline, Some(timeout_frame(cursor))),
        };
        if let Woken::Done = wait_for_news(&app, notified.as_mut(), &tx, deadline, frame).await {
            return;
        }
    }
}

/// `GET /v1/agents/{address}/intents/stream` after the address was resolved and checked.
/// `listener` names who listens (see engine/listeners.rs).
pub async fn agent_stream(
    app: AppState,
    address: String,
    listener: String,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let StreamParams { since, wait } = stream_params(&params, &headers)?;
    if let Some(kill) = app.engine.mesh.killed(&address) {
        return Err(killed_refusal(&address, &kill, "its stream is closed"));
    }
    app.engine.mesh.listener_seen(&address, app.now());
    let listening = app
        .engine
        .listeners
        .open(&address, &listener, wait < Duration::from_secs(5));
    let statuses = match params.get("status") {
        Some(raw) => super::intents::parse_statuses(raw)?,
        None => Status::ALL
            .into_iter()
            .filter(|s| !s.is_terminal())
            .collect(),
    };
    let subscription = app.hub.subscribe(Topic::Agent, &address);
    let (tx, rx) = mpsc::channel(32);
    tokio::spawn(async move {
        run_agent_stream(
            app.clone(),
            address.clone(),
            since,
            statuses,
            wait,
            tx,
            subscription,
        )
        .await;
        drop(listening);
        app.engine.mesh.listener_seen(&address, app.now());
    });
    Ok(sse_response(rx))
}

#[allow(clippy::too_many_arguments)]
async fn run_agent_stream(
    app: AppState,
    address: String,
    mut cursor: u64,
    statuses: Vec<Status>,
    wait: Duration,
    tx: mpsc::Sender<Bytes>,
    subscription: Subscription,
) {
    let _gauge = app.metrics.stream_opened();
    let mut leases = Leases {
        app: app.clone(),
        connection: NEXT_CONNECTION.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        held: Vec::new(),
    };
    let idle_deadline = Instant::now() + wait;
    let mut linger_until: Option<Instant> = None;
    loop {
        let notified = subscription.notify().notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(kill) = app.engine.mesh.killed(&address) {
            // The kill switch: a clear last frame, then the response ends.
            let _ = tx.send(Bytes::from(killed_frame(&address, &kill))).await;
            return;
        }
        let query = DeliveryQuery {
            address: address.clone(),
            after_cursor: cursor,
            statuses: statuses.clone(),
            limit: DELIVERY_PAGE,
        };
        let Ok(rows) = app.store.deliveries(query).await else {
            return;
        };
        let full_page = rows.len() == DELIVERY_PAGE as usize;
        let wrote = !rows.is_empty();
        if tx.is_closed() {
            return;
        }
        // Mark the whole page delivered at once: the writer commits them in one batch.
        let intents = futures_util::future::join_all(
            rows.iter()
                .map(|row| delivered(&app, row.status, &row.json)),
        )
        .await;
        // The page goes out as one chunk: one write instead of one per delivery.
        let mut frames = String::new();
        for (row, intent) in rows.iter().zip(intents) {
            let Some(intent) = intent else {
                continue;
            };
            // Another live listener of this address has it right now: skip it here.
            if !app.engine.take_lease(&intent.intent_id, leases.connection) {
                cursor = row.delivery_cursor;
                continue;
            }
            leases.held.push(intent.intent_id.clone());
            let delivery = AgentDelivery::of(&intent, row.delivery_cursor, app.engine.now());
            let Ok(data) = serde_json::to_string(&delivery) else {
                continue;
            };
            frames.push_str(&encode_frame(
                Some(row.delivery_cursor),
                kind::DELIVERED,
                &data,
            ));
            cursor = row.delivery_cursor;
        }
        if !frames.is_empty() {
            if tx.send(Bytes::from(frames)).await.is_err() {
                return;
            }
            app.engine.mesh.delivered(&address, app.engine.now());
        }
        if full_page {
            continue;
        }
        if wrote && linger_until.is_none() {
            linger_until = Some(Instant::now() + app.settings.linger);
        }
        let (deadline, frame) = match linger_until {
            Some(at) => (at, None),
            None => (idle_deadline, Some(timeout_frame(cursor))),
        };
        if let Woken::Done = wait_for_news(&app, notified.as_mut(), &tx, deadline, frame).await {
            return;
        }
    }
}

/// 403 `policy_denied` for a killed agent (spec §9.4).
pub fn killed_refusal(address: &str, kill: &Kill, what: &str) -> ApiError {
    ApiError::forbidden(format!(
        "{address} is killed ({what}) until an admin resumes it: axme mesh resume {address}"
    ))
    .with_details(serde_json::json!({
        "reason": "agent_killed",
        "address": address,
        "killed_at": kill.at,
        "killed_by": kill.by,
    }))
}

/// The `agent.killed` frame that ends a killed agent's open stream.
fn killed_frame(address: &str, kill: &Kill) -> String {
    let frame = KilledFrame {
        address: address.to_string(),
        health_status: Health::Killed,
        killed_at: kill.at,
        killed_by: kill.by.clone(),
        message: format!("{address} was killed by {}: this stream ends", kill.by),
    };
    let data = serde_json::to_string(&frame).unwrap_or_else(|_| "{}".into());
    encode_frame(None, KILLED, &data)
}

static NEXT_CONNECTION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Per-intent leases held by one agent stream response, released when it ends, so two
/// listeners of one address never receive the same intent at the same moment.
struct Leases {
    app: AppState,
    connection: u64,
    held: Vec<String>,
}

impl Drop for Leases {
    fn drop(&mut self) {
        self.app.engine.release_leases(&self.held, self.connection);
    }
}

/// The intent as the agent should see it: a SUBMITTED one becomes DELIVERED first.
async fn delivered(app: &AppState, status: Status, json: &str) -> Option<Intent> {
    let intent: Intent = serde_json::from_str(json).ok()?;
    if status != Status::Submitted {
        return Some(intent);
    }
    let now = app.engine.now();
    match app
        .store
        .transition(
            intent.intent_id.clone(),
            Box::new(move |_, current| Ok(lifecycle::deliver(current, &now))),
        )
        .await
    {
        Ok(done) => Some(done.intent),
        Err(e) => {
            tracing::warn!(error = %e, "could not mark an intent delivered");
            Some(intent)
        }
    }
}
