//! The four scenarios and what they share: request bodies, the watch loop of an intent's
//! event stream, error tallies, progress.

mod fanout;
mod latency;
mod lifecycle;
mod submit;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use super::http::{Conn, SseScanner};
use super::{BarCheck, Run, Scenario};
use crate::protocol::event::kind;
use crate::protocol::{CreateIntentRequest, CreateIntentResponse};

pub use fanout::FanoutFigures;
pub use latency::LatencyFigures;
pub use lifecycle::LifecycleFigures;
pub use submit::SubmitFigures;

/// Longest a single request may take before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long in-flight work may finish after the measured window before it is abandoned.
const GRACE: Duration = Duration::from_secs(5);

/// The figures of one scenario (flattened into the report).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Figures {
    Submit(SubmitFigures),
    Lifecycle(LifecycleFigures),
    Latency(LatencyFigures),
    Fanout(FanoutFigures),
}

impl Figures {
    /// The bars of DESIGN.md this scenario measures.
    /// DESIGN.md's bars for this scenario: SQLite's, or PostgreSQL's (`postgres`: several
    /// nodes on one database).
    pub fn bars(&self, postgres: bool) -> Vec<BarCheck> {
        let pick = |sqlite: f64, pg: f64| if postgres { pg } else { sqlite };
        match self {
            Figures::Submit(f) => vec![BarCheck::at_least(
                "intents_per_s",
                pick(20_000.0, 10_000.0),
                Some(f.intents_per_s),
            )],
            Figures::Lifecycle(f) => vec![BarCheck::at_least(
                "lifecycles_per_s",
                pick(10_000.0, 5_000.0),
                Some(f.lifecycles_per_s),
            )],
            Figures::Latency(f) => vec![
                BarCheck::at_most(
                    "submit_to_agent_receives.p99_ms",
                    pick(3.0, 10.0),
                    f.submit_to_agent_receives.p99_ms,
                ),
                BarCheck::at_most(
                    "submit_to_completed_at_watcher.p99_ms",
                    pick(5.0, 15.0),
                    f.submit_to_completed_at_watcher.p99_ms,
                ),
            ],
            Figures::Fanout(f) => vec![
                BarCheck::at_least(
                    "watchers_received",
                    10_000.0,
                    Some(crate::num::f64_from_u64(f.watchers_received)),
                ),
                BarCheck::at_most(
                    "server_rss_with_watchers_mb",
                    300.0,
                    f.server_rss_with_watchers_mb,
                ),
            ],
        }
    }
}

pub async fn run(run: Arc<Run>) -> Result<Figures, String> {
    Ok(match run.options.scenario {
        Scenario::Submit => Figures::Submit(submit::run(run).await?),
        Scenario::Lifecycle => Figures::Lifecycle(lifecycle::run(run).await?),
        Scenario::Latency => Figures::Latency(latency::run(run).await?),
        Scenario::Fanout => Figures::Fanout(fanout::run(run).await?),
    })
}

/// Successes, failures and the first failure's message (enough to diagnose a bad run).
#[derive(Debug, Default)]
pub struct Tally {
    pub ok: u64,
    pub errors: u64,
    pub first_error: Option<String>,
}

impl Tally {
    pub fn error(&mut self, message: impl FnOnce() -> String) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(message());
        }
    }

    pub fn merge(&mut self, other: Tally) {
        self.ok += other.ok;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// Agent names live in the caller's workspace (bare names resolve there).
pub fn agent_name(scenario: &str, i: u32) -> String {
    format!("bench-{scenario}-agent-{i}")
}

pub fn create_body(to_agent: &str, payload: Value) -> Vec<u8> {
    let request = CreateIntentRequest {
        intent_type: "bench.noop.v1".into(),
        to_agent: to_agent.into(),
        payload,
        ..Default::default()
    };
    // A struct of strings and a JSON value always serializes.
    serde_json::to_vec(&request).unwrap_or_default()
}

/// Posts a create request; the new intent's id.
pub async fn create_intent(conn: &mut Conn, body: &[u8]) -> Result<String, String> {
    let (status, reply) = with_timeout(conn.request("POST", "/v1/intents", Some(body))).await?;
    if status != 200 {
        return Err(format!(
            "POST /v1/intents answered {status}: {}",
            String::from_utf8_lossy(&reply)
        ));
    }
    serde_json::from_slice::<CreateIntentResponse>(&reply)
        .map(|r| r.intent_id)
        .map_err(|e| format!("unexpected create answer: {e}"))
}

pub const RESUME_COMPLETE: &[u8] = br#"{"action":"complete","bench":true}"#;

/// Resumes an intent as its no-op agent would: complete, empty result.
pub async fn resume_complete(conn: &mut Conn, intent_id: &str) -> Result<(), String> {
    let path = format!("/v1/intents/{intent_id}/resume");
    let (status, reply) = with_timeout(conn.request("POST", &path, Some(RESUME_COMPLETE))).await?;
    if status != 200 {
        return Err(format!(
            "resume answered {status}: {}",
            String::from_utf8_lossy(&reply)
        ));
    }
    Ok(())
}

/// Runs a request future under [`REQUEST_TIMEOUT`], flattening both errors to text.
pub async fn with_timeout<T>(
    future: impl std::future::Future<Output = std::io::Result<T>>,
) -> Result<T, String> {
    match tokio::time::timeout(REQUEST_TIMEOUT, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {REQUEST_TIMEOUT:?}")),
    }
}

fn is_terminal_event(event: &str) -> bool {
    matches!(
        event,
        kind::COMPLETED | kind::FAILED | kind::CANCELED | kind::TIMED_OUT
    )
}

/// Follows an intent's event stream from the start until a terminal event, reconnecting
/// after the cursor when a response ends earlier; calls `seen` with each event's name.
pub async fn watch_until_terminal(
    conn: &mut Conn,
    intent_id: &str,
    deadline: Instant,
    mut seen: impl FnMut(&str),
) -> Result<(), String> {
    let mut since = 0u64;
    let mut done = false;
    while !done {
        if Instant::now() >= deadline {
            return Err(format!("intent {intent_id} did not finish in time"));
        }
        let path = format!("/v1/intents/{intent_id}/events/stream?since={since}&wait_seconds=30");
        let status = with_timeout(conn.send_head("GET", &path, None)).await?;
        if status != 200 {
            let _ = with_timeout(drain(conn)).await;
            return Err(format!("event stream answered {status}"));
        }
        let mut scanner = SseScanner::default();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let piece = match tokio::time::timeout(left, conn.body_piece()).await {
                Ok(Ok(Some(piece))) => piece,
                Ok(Ok(None)) => break,
                Ok(Err(e)) => return Err(e.to_string()),
                Err(_) => return Err(format!("intent {intent_id} did not finish in time")),
            };
            scanner.feed(piece, |frame| {
                if let Some(seq) = frame.id.and_then(|id| id.parse().ok()) {
                    since = seq;
                }
                seen(frame.event);
                done |= is_terminal_event(frame.event);
            });
        }
    }
    Ok(())
}

/// Reads and drops the rest of a response body.
async fn drain(conn: &mut Conn) -> std::io::Result<()> {
    while conn.body_piece().await?.is_some() {}
    Ok(())
}

/// Moves the progress bar along the measured window until it ends.
pub fn track_progress(run: &Run, start: Instant, end: Instant) -> tokio::task::JoinHandle<()> {
    let progress = run.progress.clone();
    let total = crate::num::u64_from_u128(end.saturating_duration_since(start).as_millis().max(1));
    progress.set_length(total);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        loop {
            tick.tick().await;
            let now = Instant::now();
            if now < start {
                progress.set_message("warming up");
                continue;
            }
            progress.set_message("measuring");
            progress.set_position(
                crate::num::u64_from_u128(now.duration_since(start).as_millis()).min(total),
            );
            if now >= end {
                progress.set_message("finishing");
                return;
            }
        }
    })
}

pub fn per_second(count: u64, window: Duration) -> f64 {
    let secs = window.as_secs_f64();
    if secs <= 0.0 {
        return 0.0;
    }
    (crate::num::f64_from_u64(count) / secs).round()
}
