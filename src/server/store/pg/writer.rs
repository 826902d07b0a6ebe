//! The node's writer: one thread owns a blocking connection, drains a queue of jobs and
//! commits them in batches (group commit), answering each job only after its batch
//! committed. Same shape as SQLite's writer, so the engine's synchronous `Tx` and its
//! reactor run unchanged inside the transaction.
//!
//! What is particular to several nodes:
//! - an intent's row is locked (`SELECT … FOR UPDATE`) before its next `seq` is chosen, so
//!   two nodes appending to one intent commit in seq order;
//! - delivery cursors are handed out last, under the `counters` row lock held until commit
//!   (cursor order is commit order across nodes);
//! - what the batch changed is sent to the other nodes with `pg_notify` (delivered on
//!   commit, ids only, in chunks under the 8,000-byte limit).

use std::future::Future;
use std::sync::Arc;
use std::sync::mpsc;

use tokio::sync::oneshot;

use super::cache::NodeCache;
use super::conn::{PgConn, storage};
use super::connect::PgSettings;
use super::keyed::{self, StagedKeyed};
use super::timer_ops::{self, TimerOp};
use super::transitions::{self, StagedTransition};
use super::{creates, notify};
use crate::server::store::sqlite::hot::HotUpdate;
use crate::server::store::{CommitObserver, NewIntent, Notice, Reactor};
use crate::server::store::{StoreError, StoreResult};

/// Jobs committed together at most.
const MAX_BATCH: usize = 1024;

/// State the writer keeps between jobs.
pub struct WriterState {
    /// The engine's hook, run on every transition inside its transaction.
    pub reactor: Option<Arc<dyn Reactor>>,
    /// Intent rows created (or redelivered) in this transaction; they get delivery cursors
    /// at its end.
    pub created: Vec<i64>,
    /// The directory (tenants, keys) changed: other nodes reload theirs.
    pub directory_changed: bool,
    /// Creates staged by this batch's jobs, written together at its end ([`creates`]).
    pub pending: Vec<NewIntent>,
    /// Creates with an `Idempotency-Key` staged by this batch's jobs: their keys are
    /// claimed together at its end, then they join `pending` ([`keyed`]).
    pub keyed: Vec<StagedKeyed>,
    /// Transitions staged by this batch's jobs, done together at its end.
    pub transitions: Vec<StagedTransition>,
    /// What the staged transitions changed.
    pub staged_notices: Vec<Notice>,
    pub staged_events: usize,
    /// Timer changes not written yet ([`timer_ops`]).
    pub timer_ops: Vec<TimerOp>,
    /// Changes for the node's copy of recent intents, applied once the batch committed.
    pub hot: Vec<HotUpdate>,
}

/// A job's result before commit: its value and what it changed.
pub struct Staged<R> {
    pub value: R,
    pub notices: Vec<Notice>,
    pub events: usize,
}

impl<R> Staged<R> {
    pub fn quiet(value: R) -> Self {
        Staged {
            value,
            notices: Vec::new(),
            events: 0,
        }
    }
}

type Reply = Box<dyn FnOnce(StoreResult<()>) + Send>;

struct JobOutcome {
    keep: bool,
    /// Kept by the job, but a statement of it failed: rolled back, answered with an error.
    swallowed: bool,
    notices: Vec<Notice>,
    events: usize,
    reply: Reply,
}

type Job = Box<dyn FnOnce(Option<(&mut PgConn, &mut WriterState)>) -> JobOutcome + Send>;

enum Msg {
    Job(Job),
    Stop(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Msg>,
}

impl Writer {
    /// Starts the writer thread; it connects on its own (and again after a lost connection).
    pub fn start(
        settings: PgSettings,
        conn: PgConn,
        node_id: String,
        observer: Arc<dyn CommitObserver>,
        reactor: Option<Arc<dyn Reactor>>,
        cache: Arc<NodeCache>,
    ) -> Result<Self, String> {
        let state = WriterState {
            reactor,
            created: Vec::new(),
            directory_changed: false,
            pending: Vec::new(),
            keyed: Vec::new(),
            transitions: Vec::new(),
            staged_notices: Vec::new(),
            staged_events: 0,
            timer_ops: Vec::new(),
            hot: Vec::new(),
        };
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("axme-pg-writer".into())
            .spawn(move || {
                let mut run = Run {
                    settings,
                    conn: Some(conn),
                    state,
                    node_id,
                    observer,
                    cache,
                };
                run.serve(rx);
            })
            .map_err(|e| format!("cannot start the writer thread: {e}"))?;
        Ok(Writer { tx })
    }

    /// Queues a job; the future resolves after the job's batch committed.
    pub fn submit<R, F>(&self, job: F) -> impl Future<Output = StoreResult<R>> + Send + 'static
    where
        R: Send + 'static,
        F: FnOnce(&mut PgConn, &mut WriterState) -> StoreResult<Staged<R>> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<StoreResult<R>>();
        let job: Job = Box::new(move |ctx| {
            let result = match ctx {
                Some((conn, state)) => job(conn, state),
                None => Err(StoreError::Unavailable(
                    "the database cannot be reached; retry".into(),
                )),
            };
            match result {
                Ok(Staged {
                    value,
                    notices,
                    events,
                }) => JobOutcome {
                    keep: true,
                    swallowed: false,
                    notices,
                    events,
                    reply: Box::new(move |committed| {
                        let _ = tx.send(committed.map(|()| value));
                    }),
                },
                Err(refusal) => JobOutcome {
                    keep: false,
                    swallowed: false,
                    notices: Vec::new(),
                    events: 0,
                    reply: Box::new(move |_| {
                        let _ = tx.send(Err(refusal));
                    }),
                },
            }
        });
        let queued = self.tx.send(Msg::Job(job));
        async move {
            if queued.is_err() {
                return Err(StoreError::internal("the server is shutting down"));
            }
            rx.await
                .unwrap_or_else(|_| Err(StoreError::internal("the writer stopped")))
        }
    }

    /// Commits what is queued, then stops the thread.
    pub async fn stop(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Stop(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

struct Run {
    settings: PgSettings,
    conn: Option<PgConn>,
    state: WriterState,
    node_id: String,
    observer: Arc<dyn CommitObserver>,
    cache: Arc<NodeCache>,
}

impl Run {
    fn serve(&mut self, rx: mpsc::Receiver<Msg>) {
        let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
        loop {
            let mut stop = None;
            match rx.recv() {
                Ok(Msg::Job(job)) => jobs.push(job),
                Ok(Msg::Stop(done)) => stop = Some(done),
                Err(_) => return,
            }
            // Yield once when the queue runs dry: tasks about to queue a job get the core
            // and share this commit (see the SQLite writer).
            let mut yielded = false;
            while stop.is_none() && jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(Msg::Job(job)) => jobs.push(job),
                    Ok(Msg::Stop(done)) => stop = Some(done),
                    Err(_) if !yielded => {
                        yielded = true;
                        std::thread::yield_now();
                    }
                    Err(_) => break,
                }
            }
            if !jobs.is_empty() {
                self.commit_batch(&mut jobs);
            }
            if let Some(done) = stop {
                let _ = done.send(());
                return;
            }
        }
    }

    /// The connection, reconnecting when it was lost.
    fn connection(&mut self) -> Option<&mut PgConn> {
        let lost = match &self.conn {
            Some(conn) => conn.client.is_closed(),
            None => true,
        };
        if lost {
            let connected = self
                .settings
                .connect_blocking()
                .and_then(|mut client| super::conn::writer_session(&mut client).map(|()| client));
            self.conn = match connected {
                Ok(client) => {
                    tracing::info!("writer connected to PostgreSQL");
                    Some(PgConn::new(client))
                }
                Err(e) => {
                    tracing::error!(error = %e, "writer cannot reach PostgreSQL");
                    None
                }
            };
        }
        self.conn.as_mut()
    }

    fn commit_batch(&mut self, jobs: &mut Vec<Job>) {
        let count = jobs.len();
        let began = match self.connection() {
            Some(conn) => conn.batch("BEGIN").map_err(storage),
            None => Err(StoreError::internal("no connection")),
        };
        if began.is_err() {
            for job in jobs.drain(..) {
                (job(None).reply)(Ok(()));
            }
            return;
        }
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        conn.clear_failed();
        let sent_before = conn.statements_sent;
        let state = &mut self.state;
        state.created.clear();
        state.pending.clear();
        state.keyed.clear();
        state.transitions.clear();
        state.staged_notices.clear();
        state.staged_events = 0;
        state.timer_ops.clear();
        state.hot.clear();
        state.directory_changed = false;
        // A lone job needs no savepoint: if it is refused, the whole transaction goes.
        let savepoints = count > 1;
        let mut outcomes = Vec::with_capacity(count);
        // Which job staged each pending create.
        let mut stagers: Vec<usize> = Vec::new();
        // A kept job sent statements: a failure past this point must not undo it.
        let mut wrote = false;
        let mut broken = false;
        for job in jobs.drain(..) {
            if broken {
                outcomes.push(job(None));
                continue;
            }
            let created_before = state.created.len();
            let pending_before = state.pending.len();
            let keyed_before = state.keyed.len();
            let staged_before = state.transitions.len();
            let timers_before = state.timer_ops.len();
            let hot_before = state.hot.len();
            let directory_before = state.directory_changed;
            let sent = conn.statements_sent;
            conn.clear_failed();
            conn.arm_savepoint(savepoints);
            let mut outcome = job(Some((&mut *conn, &mut *state)));
            if outcome.keep && conn.failed() {
                // The job went on after a statement failed (e.g. the scheduler, which
                // skips a timer that errs): nothing after that error would commit.
                tracing::warn!("a write job continued after a database error; rolled back");
                outcome.keep = false;
                outcome.swallowed = true;
            }
            if !outcome.keep {
                state.created.truncate(created_before);
                state.pending.truncate(pending_before);
                state.keyed.truncate(keyed_before);
                state.transitions.truncate(staged_before);
                state.timer_ops.truncate(timers_before);
                state.hot.truncate(hot_before);
                state.directory_changed = directory_before;
            }
            if conn.savepoint_taken() {
                let closed = if outcome.keep {
                    conn.batch("RELEASE job")
                } else {
                    conn.batch("ROLLBACK TO job; RELEASE job")
                };
                if closed.is_ok() {
                    conn.clear_failed();
                }
                if let Err(e) = closed {
                    tracing::error!(error = %e, "savepoint failed");
                    broken = true;
                }
            } else if savepoints && conn.failed() {
                // The savepoint itself failed: nothing to roll back to.
                broken = true;
            }
            if outcome.keep && conn.statements_sent != sent {
                wrote = true;
            }
            stagers.extend(std::iter::repeat_n(
                outcomes.len(),
                state.pending.len() - pending_before,
            ));
            outcomes.push(outcome);
        }
        if !broken && !state.transitions.is_empty() {
            let sent = conn.statements_sent;
            match transitions::apply(conn, state, wrote) {
                Ok(()) => wrote |= conn.statements_sent != sent,
                Err(e) => {
                    tracing::error!(error = %e, "staged transitions could not be done");
                    broken = true;
                }
            }
        }
        let mut claimed = Vec::new();
        if !broken && !state.keyed.is_empty() {
            let sent = conn.statements_sent;
            match keyed::claim(conn, state, wrote) {
                Ok(c) => {
                    wrote |= conn.statements_sent != sent;
                    claimed = c;
                }
                Err(e) => {
                    tracing::error!(error = %e, "staged keyed creates could not be claimed");
                    broken = true;
                }
            }
        }
        if !broken && !state.pending.is_empty() {
            let pending = std::mem::take(&mut state.pending);
            match creates::flush(conn, state, &pending, wrote) {
                Ok(failed) => {
                    // Keyed creates were staged after every job's (`keyed::claim`).
                    let mut keyed_failed = std::collections::HashSet::new();
                    for i in failed {
                        match stagers.get(i) {
                            Some(&job) => {
                                let outcome = &mut outcomes[job];
                                outcome.keep = false;
                                outcome.swallowed = true;
                            }
                            None => {
                                keyed_failed.insert(i - stagers.len());
                            }
                        }
                    }
                    let claimed = std::mem::take(&mut claimed);
                    if let Err(e) = keyed::settle(conn, state, claimed, &keyed_failed) {
                        tracing::error!(error = %e, "keyed creates could not be settled");
                        broken = true;
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "staged creates could not be written");
                    broken = true;
                }
            }
        }
        let mut notices: Vec<Notice> = std::mem::take(&mut state.staged_notices);
        let mut events = state.staged_events;
        for outcome in outcomes.iter().filter(|o| o.keep) {
            events += outcome.events;
            notices.extend(outcome.notices.iter().cloned());
        }
        let all_refused = !outcomes.iter().any(|o| o.keep);
        let finished = if broken || all_refused {
            conn.batch("ROLLBACK").map_err(storage).and(if broken {
                Err(StoreError::internal("the write could not be committed"))
            } else {
                Ok(())
            })
        } else {
            finish(conn, state, &self.node_id, &notices)
        };
        tracing::trace!(
            jobs = count,
            statements = conn.statements_sent - sent_before,
            "batch"
        );
        match finished {
            Ok(()) => {
                if !all_refused {
                    // Before the wake-ups, so a woken watcher reads what just committed.
                    self.cache.apply(std::mem::take(&mut state.hot));
                    self.observer.committed(&notices, count, events);
                }
                for outcome in outcomes {
                    let answer = if outcome.swallowed {
                        Err(StoreError::Unavailable(
                            "the write met a conflict and was rolled back; retry".into(),
                        ))
                    } else {
                        Ok(())
                    };
                    (outcome.reply)(answer);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "commit failed");
                let _ = conn.batch("ROLLBACK");
                for outcome in outcomes {
                    (outcome.reply)(Err(StoreError::internal(
                        "the write could not be committed",
                    )));
                }
            }
        }
    }
}

/// The end of a batch: its timer changes, delivery cursors for the intents it created,
/// then the notification to the other nodes and COMMIT, sent together (one round trip).
fn finish(
    conn: &mut PgConn,
    state: &mut WriterState,
    node_id: &str,
    notices: &[Notice],
) -> StoreResult<()> {
    timer_ops::flush(conn, &mut state.timer_ops)?;
    if !state.created.is_empty() {
        let n =
            i64::try_from(state.created.len()).map_err(|e| StoreError::internal(e.to_string()))?;
        // Stride 2, as SQLite's: `since = last` and `since = last + 1` resume alike.
        let row = conn
            .query_opt(
                "UPDATE counters SET value = value + $1 WHERE name = 'delivery_cursor' \
                 RETURNING value",
                &[&(2 * n)],
            )
            .map_err(storage)?
            .ok_or_else(|| StoreError::internal("the delivery cursor counter is missing"))?;
        let end: i64 = row.get(0);
        let first = end - 2 * n + 2;
        let cursors: Vec<i64> = (0..n).map(|i| first + 2 * i).collect();
        conn.execute(
            "UPDATE intents SET delivery_cursor = c.cursor \
             FROM unnest($1::bigint[], $2::bigint[]) AS c(id, cursor) WHERE intents.id = c.id",
            &[&state.created, &cursors],
        )
        .map_err(storage)?;
    }
    let payloads = notify::payloads(node_id, notices, state.directory_changed);
    conn.batch(&notify::then_commit(&payloads)).map_err(storage)
}
