//! The one scheduler loop for every timer (deadlines, delivery attempts, retries, delays,
//! reminders). Timers are rows with a due time, so they survive a restart: the loop reads
//! the earliest due time, sleeps until then (or until a commit arms an earlier timer, see
//! [`Scheduler::armed`]), and claims due rows inside one write transaction, where the
//! engine applies each. HTTP pushes that a timer asks for run after the commit.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, watch};

use super::reactor::Engine;
use super::timers::AfterCommit;
use super::timers::{self, millis};
use super::{mail_out, push, webhooks};
use crate::server::store::Store;

/// Timers claimed per transaction.
const BATCH: u32 = 200;
/// Pause after a claim that found due timers all held by another node.
const BUSY_ELSEWHERE: Duration = Duration::from_millis(50);
/// Even with nothing armed, look again this often (cheap; guards against a lost wake-up).
const IDLE_CHECK: Duration = Duration::from_secs(30);

pub struct Scheduler {
    wake: Notify,
    /// Due time the loop currently sleeps until (ms). `i64::MAX` while it is awake (reading
    /// or claiming), so any timer armed meanwhile leaves a wake-up permit.
    sleeping_until: AtomicI64,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler {
            wake: Notify::new(),
            sleeping_until: AtomicI64::new(i64::MAX),
        }
    }
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
                    Some(engine.now_ms() + 1000)
                }
            };
            let now = engine.now_ms();
            let until = next.unwrap_or(i64::MAX).min(now + millis(IDLE_CHECK));
            if until > now {
                self.sleeping_until.store(until, Ordering::Relaxed);
                tokio::select! {
                    () = engine.clock.sleep_until(until) => {}
                    _ = self.wake.notified() => {}
                    _ = shutdown.changed() => return,
                }
                self.sleeping_until.store(i64::MAX, Ordering::Relaxed);
                continue;
            }
            let fire_engine = engine.clone();
            let claimed = store
                .run(move |tx| {
                    let due = tx.take_due_timers(fire_engine.now_ms(), BATCH)?;
                    let claimed = due.len();
                    let mut pushes = Vec::new();
                    for row in due {
                        match timers::fire(&fire_engine, tx, &row) {
                            Ok(Some(job)) => pushes.push(job),
                            Ok(None) => {}
                            // One bad timer must not block the others: it is dropped.
                            Err(e) => tracing::warn!(
                                error = %e,
                                timer = row.kind,
                                intent_id = row.intent_id,
                                "timer failed"
                            ),
                        }
                    }
                    Ok((pushes, claimed))
                })
                .await;
            match claimed {
                Ok((pushes, claimed)) => {
                    for job in pushes {
                        let (store, engine, http) = (store.clone(), engine.clone(), http.clone());
                        match job {
                            AfterCommit::Push(job) => {
                                tokio::spawn(push::run(store, engine, http, job));
                            }
                            AfterCommit::Webhook(job) => {
                                tokio::spawn(webhooks::run(store, engine, job));
                            }
                            AfterCommit::Mail(job) => {
                                tokio::spawn(mail_out::run(store, engine, job));
                            }
                        }
                    }
                    if claimed == 0 {
                        // Due, but another node holds them (PostgreSQL, SKIP LOCKED): it
                        // is firing them or changing their intents; look again shortly
                        // rather than spin.
                        tokio::select! {
                            () = tokio::time::sleep(BUSY_ELSEWHERE) => {}
                            _ = shutdown.changed() => return,
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "scheduler could not claim timers");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }
}
