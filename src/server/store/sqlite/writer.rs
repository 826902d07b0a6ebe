//! The single writer: one thread owns the write connection, drains a queue of jobs and
//! commits them in batches (group commit), answering each job only after its batch commits.
//!
//! Each job runs inside its own savepoint, so a refused job (a 409, a 404) rolls back
//! alone and never aborts its neighbours. SQLite admits one writer at a time anyway; doing
//! all writes on one thread avoids `SQLITE_BUSY` and lets a read-check-write see committed
//! state without locks.

use std::future::Future;
use std::sync::Arc;
use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::server::store::{CommitObserver, Notice, Reactor, StoreError, StoreResult};

use super::hot::{HotIntents, HotUpdate};

/// Jobs committed together at most; bounds the latency one batch adds to its first job.
const MAX_BATCH: usize = 1024;
/// Commits between two checkpoint requests.
const CHECKPOINT_EVERY: u32 = 64;
/// WAL frames (pages) past which the checkpointer restarts the WAL: 16,384 is 64 MiB.
const RESTART_AFTER_FRAMES: i64 = 16_384;

/// State the writer keeps between jobs.
pub struct WriterState {
    /// Last delivery cursor handed out. Stride 2, so a client resuming with `since = last`
    /// or `since = last + 1` sees the same next delivery (spec §2.3).
    last_cursor: u64,
    /// The engine's hook, run on every transition inside its transaction.
    pub reactor: Option<Arc<dyn Reactor>>,
    /// Changes for the in-memory intents, applied once the batch committed.
    pub hot: Vec<HotUpdate>,
}

impl WriterState {
    fn load(conn: &Connection) -> rusqlite::Result<Self> {
        let last: i64 = conn.query_row(
            "SELECT COALESCE(MAX(delivery_cursor), 0) FROM intents",
            [],
            |r| r.get(0),
        )?;
        Ok(WriterState {
            last_cursor: crate::num::u64_from_i64(last),
            reactor: None,
            hot: Vec::new(),
        })
    }

    pub fn next_cursor(&mut self) -> u64 {
        self.last_cursor += 2;
        self.last_cursor
    }
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
    notices: Vec<Notice>,
    events: usize,
    reply: Reply,
}

type Job = Box<dyn FnOnce(&Connection, &mut WriterState) -> JobOutcome + Send>;

enum Msg {
    Job(Job),
    Stop(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Msg>,
}

impl Writer {
    /// Starts the writer thread on `conn`, and the checkpoint thread on `checkpointer`.
    pub fn start(
        conn: Connection,
        checkpointer: Connection,
        observer: Arc<dyn CommitObserver>,
        reactor: Option<Arc<dyn Reactor>>,
        hot: Arc<HotIntents>,
    ) -> rusqlite::Result<Self> {
        let mut state = WriterState::load(&conn)?;
        state.reactor = reactor;
        let (tx, rx) = mpsc::channel();
        let thread_error = |e: std::io::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e));
        let (wake, wakes) = mpsc::sync_channel::<()>(1);
        std::thread::Builder::new()
            .name("axme-checkpoint".into())
            .spawn(move || checkpoint_loop(checkpointer, wakes))
            .map_err(thread_error)?;
        std::thread::Builder::new()
            .name("axme-writer".into())
            .spawn(move || run(conn, state, rx, observer, hot, wake))
            .map_err(thread_error)?;
        Ok(Writer { tx })
    }

    /// Queues a job; the future resolves after the job's batch committed.
    pub fn submit<R, F>(&self, job: F) -> impl Future<Output = StoreResult<R>> + Send + 'static
    where
        R: Send + 'static,
        F: FnOnce(&Connection, &mut WriterState) -> StoreResult<Staged<R>> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<StoreResult<R>>();
        let job: Job = Box::new(move |conn, state| match job(conn, state) {
            Ok(Staged {
                value,
                notices,
                events,
            }) => JobOutcome {
                keep: true,
                notices,
                events,
                reply: Box::new(move |committed| {
                    let _ = tx.send(committed.map(|()| value));
                }),
            },
            Err(refusal) => JobOutcome {
                keep: false,
                notices: Vec::new(),
                events: 0,
                reply: Box::new(move |_| {
                    let _ = tx.send(Err(refusal));
                }),
            },
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

fn run(
    conn: Connection,
    mut state: WriterState,
    rx: mpsc::Receiver<Msg>,
    observer: Arc<dyn CommitObserver>,
    hot: Arc<HotIntents>,
    checkpoint: mpsc::SyncSender<()>,
) {
    let mut commits = 0u32;
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut outcomes: Vec<JobOutcome> = Vec::with_capacity(MAX_BATCH);
    let mut notices: Vec<Notice> = Vec::new();
    loop {
        let mut stop = None;
        match rx.recv() {
            Ok(Msg::Job(job)) => jobs.push(job),
            Ok(Msg::Stop(done)) => stop = Some(done),
            Err(_) => return,
        }
        // When the queue runs dry, yield once before committing: request tasks that are
        // about to queue a job get the core, and the commit (its WAL writes and wake-ups,
        // the larger cost) is shared by more jobs. Costs a few microseconds when idle.
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
            commit_batch(
                &conn,
                &mut state,
                &mut jobs,
                &mut outcomes,
                &mut notices,
                &*observer,
                &hot,
            );
            commits += 1;
            if commits >= CHECKPOINT_EVERY {
                commits = 0;
                // Never waits: a full channel means a checkpoint is already due.
                let _ = checkpoint.try_send(());
            }
        }
        if let Some(done) = stop {
            let _ = conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE)");
            let _ = done.send(());
            return;
        }
    }
}

/// Copies committed WAL frames into the database file when the writer asks, off the
/// writer's thread. PASSIVE never blocks the writer or readers; the writer restarts the
/// WAL from its start once a checkpoint caught up. Ends when the writer is gone.
fn checkpoint_loop(conn: Connection, wakes: mpsc::Receiver<()>) {
    while wakes.recv().is_ok() {
        // (busy, frames in the WAL, frames copied back)
        let passive = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
        match passive {
            // Under steady load a PASSIVE checkpoint never catches up with the writer, so
            // the WAL never restarts and grows without bound (over 1 GB in 8 s of the
            // lifecycle bench), every commit appending fresh pages. Past the limit, make
            // the writer wait once while the WAL restarts from its start.
            Ok(frames) if frames > RESTART_AFTER_FRAMES => {
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "checkpoint failed");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "checkpoint failed"),
        }
    }
}

fn commit_batch(
    conn: &Connection,
    state: &mut WriterState,
    jobs: &mut Vec<Job>,
    outcomes: &mut Vec<JobOutcome>,
    notices: &mut Vec<Notice>,
    observer: &dyn CommitObserver,
    hot: &HotIntents,
) {
    let count = jobs.len();
    let began = exec(conn, "BEGIN IMMEDIATE");
    if let Err(e) = began {
        tracing::error!(error = %e, "could not begin a write transaction");
        for job in jobs.drain(..) {
            // Run nothing: answer every job with the failure.
            drop(job);
        }
        return;
    }
    let mut events = 0;
    for job in jobs.drain(..) {
        let savepoint = exec(conn, "SAVEPOINT job");
        let staged_hot = state.hot.len();
        let outcome = job(conn, state);
        if !outcome.keep || savepoint.is_err() {
            state.hot.truncate(staged_hot);
        }
        let closed = if outcome.keep && savepoint.is_ok() {
            exec(conn, "RELEASE job")
        } else {
            exec(conn, "ROLLBACK TO job").and_then(|()| exec(conn, "RELEASE job"))
        };
        if let Err(e) = closed {
            tracing::error!(error = %e, "savepoint failed");
        }
        if outcome.keep {
            events += outcome.events;
            notices.extend(outcome.notices.iter().cloned());
        }
        outcomes.push(outcome);
    }
    match exec(conn, "COMMIT") {
        Ok(()) => {
            // Before the notices: a woken reader must find what woke it.
            hot.apply(state.hot.drain(..));
            observer.committed(notices, count, events);
            for outcome in outcomes.drain(..) {
                (outcome.reply)(Ok(()));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "commit failed");
            let _ = exec(conn, "ROLLBACK");
            state.hot.clear();
            if let Ok(mut fresh) = WriterState::load(conn) {
                fresh.reactor = state.reactor.take();
                *state = fresh;
            }
            for outcome in outcomes.drain(..) {
                (outcome.reply)(Err(StoreError::internal(
                    "the write could not be committed",
                )));
            }
        }
    }
    notices.clear();
}

fn exec(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}
