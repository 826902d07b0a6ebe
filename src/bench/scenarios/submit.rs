//! `submit`: intents acknowledged per second, `POST /v1/intents` over keep-alive
//! connections, each client sending its next request as soon as the last one is answered.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

use super::{Tally, create_body, per_second, track_progress, with_timeout};
use crate::bench::Run;
use crate::bench::http::Conn;
use crate::bench::stats::{Percentiles, Samples};

#[derive(Debug, Serialize)]
pub struct SubmitFigures {
    pub concurrency: u32,
    pub duration_s: f64,
    pub intents_acknowledged: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub intents_per_s: f64,
    /// Time from writing a request to reading its whole answer.
    pub ack_latency: Percentiles,
}

pub async fn run(run: Arc<Run>) -> Result<SubmitFigures, String> {
    let (start, end) = run.window();
    let ticker = track_progress(&run, start, end);
    let body: Arc<[u8]> = create_body("bench-submit-sink", json!({ "bench": "submit" })).into();
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..run.options.concurrency.max(1) {
        let (run, body) = (run.clone(), body.clone());
        clients.spawn(async move { client(&run, &body, start, end).await });
    }
    let mut tally = Tally::default();
    let mut latency = Samples::default();
    while let Some(joined) = clients.join_next().await {
        if let Ok((t, l)) = joined {
            tally.merge(t);
            latency.extend(l);
        }
    }
    ticker.abort();
    let window = end - start;
    Ok(SubmitFigures {
        concurrency: run.options.concurrency.max(1),
        duration_s: window.as_secs_f64(),
        intents_acknowledged: tally.ok,
        errors: tally.errors,
        first_error: tally.first_error,
        intents_per_s: per_second(tally.ok, window),
        ack_latency: latency.summary(),
    })
}

/// One keep-alive client: requests back to back until `end`; counts those sent after
/// `start`.
async fn client(run: &Run, body: &[u8], start: Instant, end: Instant) -> (Tally, Samples) {
    let mut tally = Tally::default();
    let mut latency = Samples::default();
    let mut conn: Option<Conn> = None;
    while Instant::now() < end {
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match Conn::connect(&run.target).await {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    tally.error(|| format!("cannot connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let sent = Instant::now();
        let answer = with_timeout(c.request("POST", "/v1/intents", Some(body))).await;
        let counted = sent >= start;
        match answer {
            Ok((200, _)) if counted => {
                tally.ok += 1;
                latency.push(sent.elapsed());
            }
            Ok((200, _)) => {}
            Ok((status, reply)) => {
                tally.error(|| {
                    format!(
                        "POST /v1/intents answered {status}: {}",
                        String::from_utf8_lossy(&reply)
                    )
                });
            }
            Err(e) => {
                tally.error(|| e);
                conn = None;
                continue;
            }
        }
        if !c.reusable() {
            conn = None;
        }
    }
    (tally, latency)
}
