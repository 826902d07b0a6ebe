//! `latency`: intents submitted at a fixed light rate (open loop: the next one leaves on
//! schedule whatever happened to the last). For each: submit → the agent receives it,
//! submit → a watcher sees DELIVERED, submit → a watcher sees COMPLETED. One no-op agent
//! resumes every delivery at once; each intent has its own watcher, which connects once
//! the create was answered.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::mpsc;

use super::{
    GRACE, Tally, agent_name, create_body, create_intent, resume_complete, track_progress,
    watch_until_terminal, with_timeout,
};
use crate::bench::Run;
use crate::bench::http::{Conn, SseScanner, Target};
use crate::bench::stats::{Percentiles, Samples};
use crate::protocol::AgentDelivery;
use crate::protocol::event::kind;

#[derive(Debug, Serialize)]
pub struct LatencyFigures {
    pub rate_per_s: u32,
    pub duration_s: f64,
    pub intents: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub submit_to_agent_receives: Percentiles,
    pub submit_to_delivered_at_watcher: Percentiles,
    pub submit_to_completed_at_watcher: Percentiles,
}

/// Send times by the number carried in each intent's payload (the agent may see an
/// intent before its create request is answered, so the id is not known yet).
type SentAt = Arc<Mutex<HashMap<u64, Instant>>>;

/// Connections idle between uses, so each intent does not pay a TCP handshake.
type Pool = Arc<Mutex<Vec<Conn>>>;

async fn take(pool: &Pool, target: &Target) -> Result<Conn, String> {
    let idle = pool.lock().ok().and_then(|mut p| p.pop());
    match idle {
        Some(c) => Ok(c),
        None => Conn::connect(target)
            .await
            .map_err(|e| format!("cannot connect: {e}")),
    }
}

fn give_back(pool: &Pool, conn: Conn) {
    if conn.reusable()
        && let Ok(mut p) = pool.lock()
    {
        p.push(conn);
    }
}

#[derive(Default)]
struct Collected {
    tally: Tally,
    agent: Samples,
    delivered: Samples,
    completed: Samples,
}

pub async fn run(run: Arc<Run>) -> Result<LatencyFigures, String> {
    let rate = run.options.rate.clamp(1, 100_000);
    let (start, end) = run.window();
    let sent_at: SentAt = Arc::default();
    let collected = Arc::new(Mutex::new(Collected::default()));
    let pools: (Pool, Pool) = Default::default();
    let (stop_agent, stopped) = tokio::sync::watch::channel(false);
    let name = agent_name("latency", 0);
    let agent_task = tokio::spawn(agent(
        run.clone(),
        name.clone(),
        sent_at.clone(),
        collected.clone(),
        start,
        stopped,
    ));
    let ticker = track_progress(&run, start, end);
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
    let mut intents = tokio::task::JoinSet::new();
    let mut n = 0u64;
    let cap = u64::from(rate) * (run.options.duration.as_secs() + 2) + 1000;
    while Instant::now() < end && n < cap {
        tick.tick().await;
        n += 1;
        let (run, sent_at, collected, pools) = (
            run.clone(),
            sent_at.clone(),
            collected.clone(),
            pools.clone(),
        );
        let body = create_body(&name, json!({ "bench_n": n }));
        intents.spawn(async move {
            let sent = Instant::now();
            if let Ok(mut map) = sent_at.lock() {
                map.insert(n, sent);
            }
            let result = one_intent(&run, &pools, &body, sent, end + GRACE).await;
            let Ok(mut c) = collected.lock() else { return };
            match result {
                Ok((delivered, completed)) if sent >= start => {
                    c.tally.ok += 1;
                    c.delivered.push(delivered);
                    c.completed.push(completed);
                }
                Ok(_) => {}
                Err(e) => c.tally.error(|| e),
            }
        });
    }
    while intents.join_next().await.is_some() {}
    ticker.abort();
    let _ = stop_agent.send(true);
    let _ = agent_task.await;
    let c = std::mem::take(&mut *collected.lock().map_err(|_| "a task failed".to_string())?);
    Ok(LatencyFigures {
        rate_per_s: rate,
        duration_s: (end - start).as_secs_f64(),
        intents: c.tally.ok,
        errors: c.tally.errors,
        first_error: c.tally.first_error,
        submit_to_agent_receives: c.agent.summary(),
        submit_to_delivered_at_watcher: c.delivered.summary(),
        submit_to_completed_at_watcher: c.completed.summary(),
    })
}

/// Submits one intent and watches it; the delays until DELIVERED and COMPLETED. `pools`:
/// idle connections to the submit node and to the watch node.
async fn one_intent(
    run: &Run,
    pools: &(Pool, Pool),
    body: &[u8],
    sent: Instant,
    deadline: Instant,
) -> Result<(Duration, Duration), String> {
    let (submit, watch) = pools;
    let mut conn = take(submit, &run.target).await?;
    let id = create_intent(&mut conn, body).await?;
    give_back(submit, conn);
    let mut conn = take(watch, &run.watch_target).await?;
    let mut delivered = None;
    let mut completed = None;
    watch_until_terminal(&mut conn, &id, deadline, |event| match event {
        kind::DELIVERED => delivered = Some(sent.elapsed()),
        kind::COMPLETED => completed = Some(sent.elapsed()),
        _ => {}
    })
    .await?;
    give_back(watch, conn);
    match (delivered, completed) {
        (Some(d), Some(c)) => Ok((d, c)),
        _ => Err(format!("intent {id} ended without DELIVERED and COMPLETED")),
    }
}

/// The part of a delivery's payload the no-op agent reads.
#[derive(Default, Deserialize)]
struct DeliveryPayload {
    bench_n: u64,
}

/// The no-op agent: records when each delivery arrives and hands it to a resumer.
async fn agent(
    run: Arc<Run>,
    name: String,
    sent_at: SentAt,
    collected: Arc<Mutex<Collected>>,
    start: Instant,
    stopped: tokio::sync::watch::Receiver<bool>,
) {
    let (tx, rx) = mpsc::unbounded_channel::<String>();
    let resumers = tokio::spawn(resume_all(run.clone(), rx, collected.clone()));
    let mut cursor = 0u64;
    let mut conn: Option<Conn> = None;
    while !*stopped.borrow() {
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match Conn::connect(&run.agent_target).await {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    if let Ok(mut c) = collected.lock() {
                        c.tally.error(|| format!("agent cannot connect: {e}"));
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let path = format!("/v1/agents/{name}/intents/stream?since={cursor}&wait_seconds=1");
        if !matches!(with_timeout(c.send_head("GET", &path, None)).await, Ok(200)) {
            if let Ok(mut c) = collected.lock() {
                c.tally.error(|| "the agent stream was refused".to_string());
            }
            conn = None;
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        let mut scanner = SseScanner::default();
        while let Ok(Some(piece)) = with_timeout(c.body_piece()).await {
            let received = Instant::now();
            scanner.feed(piece, |frame| {
                if frame.event != kind::DELIVERED {
                    return;
                }
                if let Some(seq) = frame.id.and_then(|id| id.parse().ok()) {
                    cursor = seq;
                }
                let Ok(delivery) =
                    serde_json::from_str::<AgentDelivery<DeliveryPayload>>(frame.data)
                else {
                    return;
                };
                let sent = sent_at
                    .lock()
                    .ok()
                    .and_then(|mut m| m.remove(&delivery.payload.bench_n));
                if let (Some(sent), Ok(mut c)) = (sent, collected.lock())
                    && sent >= start
                {
                    c.agent.push(received.duration_since(sent));
                }
                let _ = tx.send(delivery.intent_id);
            });
        }
        if !c.reusable() {
            conn = None;
        }
    }
    drop(tx);
    let _ = resumers.await;
}

/// Resumes each delivered intent on its own task (the rate is light), pooled connections.
async fn resume_all(
    run: Arc<Run>,
    mut intents: mpsc::UnboundedReceiver<String>,
    collected: Arc<Mutex<Collected>>,
) {
    let pool: Pool = Arc::default();
    let mut tasks = tokio::task::JoinSet::new();
    while let Some(intent_id) = intents.recv().await {
        let (run, pool, collected) = (run.clone(), pool.clone(), collected.clone());
        tasks.spawn(async move {
            let result = match take(&pool, &run.agent_target).await {
                Ok(mut conn) => {
                    let r = resume_complete(&mut conn, &intent_id).await;
                    give_back(&pool, conn);
                    r
                }
                Err(e) => Err(e),
            };
            if let (Err(e), Ok(mut c)) = (result, collected.lock()) {
                c.tally.error(|| e);
            }
        });
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
}
