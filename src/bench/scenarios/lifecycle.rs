//! `lifecycle`: full lifecycles per second. `concurrency` workers each submit an intent to
//! one of `agents` no-op agents and follow its event stream until COMPLETED; each agent
//! listens on its delivery stream and resumes every delivery at once (`action: complete`).
//! A lifecycle counts when its watcher sees COMPLETED.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::IgnoredAny;
use serde_json::json;
use tokio::sync::mpsc;

use super::{
    GRACE, Tally, agent_name, create_body, create_intent, per_second, resume_complete,
    track_progress, watch_until_terminal, with_timeout,
};
use crate::bench::Run;
use crate::bench::http::{Conn, SseScanner};
use crate::bench::stats::{Percentiles, Samples};
use crate::protocol::AgentDelivery;
use crate::protocol::event::kind;

#[derive(Debug, Serialize)]
pub struct LifecycleFigures {
    pub concurrency: u32,
    pub agents: u32,
    pub duration_s: f64,
    pub lifecycles_completed: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub lifecycles_per_s: f64,
    /// From writing the create request to the watcher reading COMPLETED.
    pub submit_to_completed_at_watcher: Percentiles,
}

pub async fn run(run: Arc<Run>) -> Result<LifecycleFigures, String> {
    let agents = run.options.agents.max(1);
    let workers = run.options.concurrency.max(1);
    let (start, end) = run.window();
    let (stop_agents, stopped) = tokio::sync::watch::channel(false);
    let mut agent_tasks = tokio::task::JoinSet::new();
    // Enough resume connections per agent that resumes never queue behind each other.
    let resumers = workers.div_ceil(agents).max(1);
    for i in 0..agents {
        let name = agent_name("lifecycle", i);
        agent_tasks.spawn(agent(run.clone(), name, resumers, stopped.clone()));
    }
    let ticker = track_progress(&run, start, end);
    let mut worker_tasks = tokio::task::JoinSet::new();
    for w in 0..workers {
        let run = run.clone();
        let to = agent_name("lifecycle", w % agents);
        worker_tasks.spawn(async move { worker(&run, &to, start, end).await });
    }
    let mut tally = Tally::default();
    let mut latency = Samples::default();
    while let Some(joined) = worker_tasks.join_next().await {
        if let Ok((t, l)) = joined {
            tally.merge(t);
            latency.extend(l);
        }
    }
    ticker.abort();
    let _ = stop_agents.send(true);
    while let Some(joined) = agent_tasks.join_next().await {
        if let Ok(t) = joined {
            tally.merge(t);
        }
    }
    let window = end - start;
    Ok(LifecycleFigures {
        concurrency: workers,
        agents,
        duration_s: window.as_secs_f64(),
        lifecycles_completed: tally.ok,
        errors: tally.errors,
        first_error: tally.first_error,
        lifecycles_per_s: per_second(tally.ok, window),
        submit_to_completed_at_watcher: latency.summary(),
    })
}

/// Submits, then watches until COMPLETED, one lifecycle after the other.
async fn worker(run: &Run, to_agent: &str, start: Instant, end: Instant) -> (Tally, Samples) {
    let mut tally = Tally::default();
    let mut latency = Samples::default();
    let body = create_body(to_agent, json!({ "bench": "lifecycle" }));
    let mut submit: Option<Conn> = None;
    let mut watch: Option<Conn> = None;
    while Instant::now() < end {
        let connected = match (submit.as_mut(), watch.as_mut()) {
            (Some(_), Some(_)) => true,
            _ => match (
                Conn::connect(&run.target).await,
                Conn::connect(&run.watch_target).await,
            ) {
                (Ok(s), Ok(w)) => {
                    submit = Some(s);
                    watch = Some(w);
                    true
                }
                (Err(e), _) | (_, Err(e)) => {
                    tally.error(|| format!("cannot connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    false
                }
            },
        };
        let (Some(s), Some(w), true) = (submit.as_mut(), watch.as_mut(), connected) else {
            continue;
        };
        let sent = Instant::now();
        let outcome = match create_intent(s, &body).await {
            Ok(id) => watch_until_terminal(w, &id, end + GRACE, |_| {}).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(()) if sent >= start => {
                tally.ok += 1;
                latency.push(sent.elapsed());
            }
            Ok(()) => {}
            Err(e) => {
                tally.error(|| e);
                submit = None;
                watch = None;
            }
        }
        if !submit.as_ref().is_some_and(Conn::reusable)
            || !watch.as_ref().is_some_and(Conn::reusable)
        {
            submit = None;
            watch = None;
        }
    }
    (tally, latency)
}

/// A no-op agent: listens on its delivery stream and hands each delivery to one of its
/// resumers, round robin.
async fn agent(
    run: Arc<Run>,
    name: String,
    resumers: u32,
    stopped: tokio::sync::watch::Receiver<bool>,
) -> Tally {
    let mut tally = Tally::default();
    let mut queues = Vec::new();
    let mut resumer_tasks = tokio::task::JoinSet::new();
    for _ in 0..resumers {
        let (tx, rx) = mpsc::unbounded_channel::<String>();
        queues.push(tx);
        resumer_tasks.spawn(resumer(run.clone(), rx));
    }
    let mut cursor = 0u64;
    let mut next = 0usize;
    let mut conn: Option<Conn> = None;
    let path_base = format!("/v1/agents/{name}/intents/stream");
    while !*stopped.borrow() {
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match Conn::connect(&run.agent_target).await {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    tally.error(|| format!("agent cannot connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let path = format!("{path_base}?since={cursor}&wait_seconds=1");
        match with_timeout(c.send_head("GET", &path, None)).await {
            Ok(200) => {}
            Ok(status) => {
                tally.error(|| format!("agent stream answered {status}"));
                conn = None;
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            Err(e) => {
                tally.error(|| format!("agent stream: {e}"));
                conn = None;
                continue;
            }
        }
        let mut scanner = SseScanner::default();
        loop {
            let piece = match with_timeout(c.body_piece()).await {
                Ok(Some(piece)) => piece,
                Ok(None) => break,
                Err(e) => {
                    tally.error(|| format!("agent stream: {e}"));
                    conn = None;
                    break;
                }
            };
            scanner.feed(piece, |frame| {
                if frame.event != kind::DELIVERED {
                    return;
                }
                if let Some(seq) = frame.id.and_then(|id| id.parse().ok()) {
                    cursor = seq;
                }
                if let Ok(head) = serde_json::from_str::<AgentDelivery<IgnoredAny>>(frame.data) {
                    let _ = queues[next % queues.len()].send(head.intent_id);
                    next += 1;
                }
            });
        }
    }
    drop(queues);
    while let Some(joined) = resumer_tasks.join_next().await {
        if let Ok(t) = joined {
            tally.merge(t);
        }
    }
    tally
}

/// Resumes (completes) each intent it is handed, on its own keep-alive connection.
async fn resumer(run: Arc<Run>, mut intents: mpsc::UnboundedReceiver<String>) -> Tally {
    let mut tally = Tally::default();
    let mut conn: Option<Conn> = None;
    while let Some(intent_id) = intents.recv().await {
        if conn.is_none() {
            match Conn::connect(&run.agent_target).await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    tally.error(|| format!("resumer cannot connect: {e}"));
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        if let Err(e) = resume_complete(c, &intent_id).await {
            tally.error(|| e);
            conn = None;
        } else if !c.reusable() {
            conn = None;
        }
    }
    tally
}
