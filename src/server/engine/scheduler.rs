//! The one scheduler loop for every timer (deadlines, delivery attempts, retries, delays,
//! reminders). Timers are rows with a due time, so they survive a restart: the loop reads
//! the earliest due time, sleeps until then (or until a commit arms an earlier timer, see
//! [`Scheduler::armed`]), and claims due rows inside one write transaction, where the
//! engine applies each. HTTP pushes that a timer asks for run after the commit.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{Notify, watch};

use super::push;
use super::reactor::{Engine, now_ms};
use crate::server::store::Store;

/// Timers claimed per transaction.
const BATCH: u32 = 200;
/// Even with nothing armed, look again this often (cheap; guards against a lost wake-up).
const IDLE_CHECK: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct Scheduler {
    wake: Notify,
    /// Due time the loop currently sleeps until (ms); `i64::MAX` when idle.
    sleeping_until: AtomicI64,
}

impl Scheduler {
    /// A commit armed a timer due at `due_ms`: wake the loop when that is earlier than
    /// what it sleeps for.
    pub fn armed(&self, due_ms: i64) {
        if due_ms < self.sleeping_until.load(Ordering::Relaxed) {
            self.wake.notify_one();
        }
    }

    pub async fn run(
        self: Arc<Self>,
        store: Arc<dyn Store>,
        engine: Arc<Engine>,
        http: reqwest::Client,
        mut shutdown: watch::Receiver<bool>,
    ) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            let next = match store.next_timer_due().await {
                Ok(next) => next,
                Err(e) => {
                    tracing::warn!(error = %e, "scheduler could not read timers");
                    Some(now_ms() + 1000)
                }
            };
            let now = now_ms();
            let until = next
                .unwrap_or(i64::MAX)
                .min(now + IDLE_CHECK.as_millis() as i64);
            if until > now {
                self.sleeping_until.store(until, Ordering::Relaxed);
                let wait = Duration::from_millis((until - now) as u64);
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = self.wake.notified() => {}
                    _ = shutdown.changed() => return,
                }
                self.sleeping_until.store(i64::MAX, Ordering::Relaxed);
                continue;
            }
            let fire_engine = engine.clone();
            let claimed = store
                .run(Box::new(move |tx| {
                    let timers = tx.take_due_timers(now_ms(), BATCH)?;
                    let mut pushes = Vec::new();
                    for timer in timers {
                        let what = format!("{} {}", timer.kind, timer.intent_id);
                        match fire_engine.fire(tx, timer) {
                            Ok(Some(job)) => pushes.push(job),
                            Ok(None) => {}
                            // One bad timer must not block the others: it is dropped.
                            Err(e) => tracing::warn!(error = %e, timer = what, "timer failed"),
                        }
                    }
                    Ok(Value::Array(pushes))
                }))
                .await;
            match claimed {
                Ok(Value::Array(pushes)) => {
                    for job in pushes {
                        tokio::spawn(push::run(store.clone(), engine.clone(), http.clone(), job));
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "scheduler could not claim timers");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }
}
