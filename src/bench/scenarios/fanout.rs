//! `fanout`: `watchers` concurrent SSE streams of one intent, each on its own connection.
//! Once all are open, the server's resident memory is read, the intent is completed, and
//! we time how long until every watcher has read that event.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use tokio::sync::Semaphore;

use super::{Tally, create_body, create_intent, resume_complete, with_timeout};
use crate::bench::http::{Conn, SseScanner};
use crate::bench::server::resident_bytes;
use crate::bench::stats::{Percentiles, Samples, round3};
use crate::bench::{Run, cores};
use crate::protocol::event::kind;

/// Connections opened at the same time while setting up.
const CONNECTING_AT_ONCE: usize = 256;
/// Longest the watchers may take to connect, and to receive the event.
const PHASE_LIMIT: Duration = Duration::from_secs(45);

#[derive(Debug, Serialize)]
pub struct FanoutFigures {
    pub watchers_requested: u32,
    pub watchers_connected: u64,
    pub connect_s: f64,
    pub watchers_received: u64,
    /// From the request that completed the intent until the last watcher read the event.
    pub all_received_ms: Option<f64>,
    /// Per watcher, from that request until it read the event.
    pub receive: Percentiles,
    pub server_rss_before_watchers_mb: Option<f64>,
    pub server_rss_with_watchers_mb: Option<f64>,
    pub server_rss_per_watcher_kb: Option<f64>,
    pub errors: u64,
    pub first_error: Option<String>,
}

fn mb(bytes: Option<u64>) -> Option<f64> {
    bytes.map(|b| round3(crate::num::f64_from_u64(b) / (1024.0 * 1024.0)))
}

pub async fn run(run: Arc<Run>) -> Result<FanoutFigures, String> {
    let wanted = run.options.watchers.max(1);
    let mut setup = Conn::connect(&run.target)
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let body = create_body("bench-fanout-sink", json!({ "bench": "fanout" }));
    let intent_id = create_intent(&mut setup, &body).await?;
    let rss_before = run.server_pid.and_then(resident_bytes);

    run.progress.set_length(u64::from(wanted));
    run.progress.set_message("connecting watchers");
    let connected = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Semaphore::new(CONNECTING_AT_ONCE.min(cores() * 128)));
    let failed = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let mut watchers = tokio::task::JoinSet::new();
    for _ in 0..wanted {
        let (run, connected, failed, gate) =
            (run.clone(), connected.clone(), failed.clone(), gate.clone());
        let path = format!("/v1/intents/{intent_id}/events/stream?since=2&wait_seconds=60");
        watchers.spawn(async move {
            let opened = open(&run, &path, &gate).await;
            let counter = if opened.is_ok() { &connected } else { &failed };
            counter.fetch_add(1, Ordering::Relaxed);
            wait_for_event(opened?).await
        });
    }
    // Wait until every watcher is subscribed (its response head arrived) or gave up.
    let setup_deadline = began + PHASE_LIMIT;
    loop {
        let n = connected.load(Ordering::Relaxed);
        run.progress.set_position(n as u64);
        let settled = n + failed.load(Ordering::Relaxed);
        if settled >= wanted as usize || Instant::now() >= setup_deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let connect_s = began.elapsed().as_secs_f64();
    // Let the server settle (task and buffer allocation after the heads went out).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_with = run.server_pid.and_then(resident_bytes);
    let watchers_connected = connected.load(Ordering::Relaxed) as u64;

    run.progress.set_message("completing the intent");
    let fired_at = Instant::now();
    let completed = resume_complete(&mut setup, &intent_id).await;

    let mut tally = Tally::default();
    if let Err(e) = completed {
        tally.error(|| e);
    }
    let mut receive = Samples::default();
    let mut last: Option<Duration> = None;
    while let Some(joined) = watchers.join_next().await {
        match joined {
            Ok(Ok(Some(at))) => {
                tally.ok += 1;
                let d = at.duration_since(fired_at);
                receive.push(d);
                last = Some(last.map_or(d, |l| l.max(d)));
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tally.error(|| e),
            Err(_) => tally.error(|| "a watcher task failed".into()),
        }
    }
    let per_watcher = match (rss_before, rss_with) {
        (Some(b), Some(w)) if watchers_connected > 0 => Some(round3(
            crate::num::f64_from_u64(w.saturating_sub(b))
                / 1024.0
                / crate::num::f64_from_u64(watchers_connected),
        )),
        _ => None,
    };
    Ok(FanoutFigures {
        watchers_requested: wanted,
        watchers_connected,
        connect_s: round3(connect_s),
        watchers_received: tally.ok,
        all_received_ms: last.map(|d| round3(d.as_secs_f64() * 1000.0)),
        receive: receive.summary(),
        server_rss_before_watchers_mb: mb(rss_before),
        server_rss_with_watchers_mb: mb(rss_with),
        server_rss_per_watcher_kb: per_watcher,
        errors: tally.errors,
        first_error: tally.first_error,
    })
}

/// Opens one stream; once its response head arrived the server has subscribed it.
async fn open(run: &Run, path: &str, gate: &Semaphore) -> Result<Conn, String> {
    let _permit = gate.acquire().await.map_err(|e| e.to_string())?;
    let mut conn = Conn::connect(&run.target)
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let status = with_timeout(conn.send_head("GET", path, None)).await?;
    if status != 200 {
        return Err(format!("event stream answered {status}"));
    }
    Ok(conn)
}

/// Waits for the completion event; when it was read (`None` if the stream ended first).
async fn wait_for_event(mut conn: Conn) -> Result<Option<Instant>, String> {
    let deadline = Instant::now() + 2 * PHASE_LIMIT;
    let mut scanner = SseScanner::default();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let piece = match tokio::time::timeout(left, conn.body_piece()).await {
            Ok(Ok(Some(piece))) => piece,
            Ok(Ok(None)) => return Ok(None),
            Ok(Err(e)) => return Err(e.to_string()),
            Err(_) => return Err("no event before the time limit".into()),
        };
        let now = Instant::now();
        let mut got = false;
        scanner.feed(piece, |frame| got |= frame.event == kind::COMPLETED);
        if got {
            return Ok(Some(now));
        }
    }
}
