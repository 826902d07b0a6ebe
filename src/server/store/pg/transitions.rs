//! Transitions staged by a batch's jobs (`Store::transition`: a delivery, a resume without
//! `Idempotency-Key`) and done together at its end: one statement locks and reads every
//! intent they change, each decision is taken in memory, one statement writes every row
//! and event, then the reactor runs on each, as it would after a lone transition.
//!
//! Like staged creates they are ordered after the batch's other jobs, which were all
//! asked for concurrently. One intent is staged at most once per batch; a second
//! transition of it in the same batch runs at once, in its place.

use std::collections::HashMap;

use tokio::sync::oneshot;

use super::conn::{PgConn, storage};
use super::tx;
use super::writer::{Staged, WriterState};
use super::writes::to_i64;
use crate::protocol::Intent;
use crate::server::store::sqlite::hot::HotUpdate;
use crate::server::store::{Decide, IntentMeta, Notice, StoreError, StoreResult, Transitioned};

pub type Answer = oneshot::Sender<StoreResult<Transitioned>>;

pub struct StagedTransition {
    pub intent_id: String,
    pub decide: Decide,
    pub answer: Answer,
}

/// Stages the transition, or runs it at once when its intent is staged already (then the
/// value is `Some`).
pub fn stage_or_run(
    conn: &mut PgConn,
    state: &mut WriterState,
    intent_id: String,
    decide: Decide,
    answer: Answer,
) -> StoreResult<Staged<Option<Transitioned>>> {
    if state.transitions.iter().any(|t| t.intent_id == intent_id) {
        let staged = tx::transition_job(conn, state, &intent_id, decide)?;
        return Ok(Staged {
            value: Some(staged.value),
            notices: staged.notices,
            events: staged.events,
        });
    }
    state.transitions.push(StagedTransition {
        intent_id,
        decide,
        answer,
    });
    Ok(Staged::quiet(None))
}

/// An intent's row as locked.
struct Locked {
    rowid: i64,
    meta: IntentMeta,
    status: String,
    last_seq: i64,
    updated_at: String,
    body: String,
}

/// A decided transition, written with the others.
struct Decided {
    answer: Answer,
    row: Locked,
    done: Transitioned,
    /// The new events as stored.
    encoded: Encoded,
}

const LOCK: &str = "SELECT id, intent_id, workspace_id, to_workspace_id, sender_sa_id, to_agent, \
     status, last_seq, updated_at, body FROM intents WHERE intent_id = ANY($1::text[]) \
     ORDER BY id FOR UPDATE";

const WRITE: &str = "\
WITH upd AS (\
  UPDATE intents SET status = w.status, last_seq = w.last_seq, updated_at = w.updated_at, \
    body = w.body \
  FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[]) \
    AS w(id, status, last_seq, updated_at, body) \
  WHERE intents.id = w.id) \
INSERT INTO intent_events (intent_rowid, seq, body) \
SELECT * FROM unnest($6::bigint[], $7::bigint[], $8::text[])";

/// Does the batch's staged transitions; their notices and events go to
/// `state.staged_notices`/`staged_events`. `others`: kept jobs sent statements already.
/// An error is a failure of the transaction (the batch is then rolled back).
pub fn apply(conn: &mut PgConn, state: &mut WriterState, others: bool) -> StoreResult<()> {
    let staged = std::mem::take(&mut state.transitions);
    if staged.is_empty() {
        return Ok(());
    }
    conn.clear_failed();
    conn.arm_savepoint(others);
    let ids: Vec<&str> = staged.iter().map(|t| t.intent_id.as_str()).collect();
    let locked = conn.query(LOCK, &[&ids]);
    let taken = conn.savepoint_taken();
    conn.arm_savepoint(false);
    let rows = match locked {
        Ok(rows) => rows,
        Err(e) => {
            // A lock conflict with another node: each one on its own instead.
            tracing::warn!(error = %e, "staged transitions could not be locked together");
            conn.batch(if taken {
                "ROLLBACK TO job; RELEASE job"
            } else {
                "ROLLBACK; BEGIN"
            })
            .map_err(storage)?;
            conn.clear_failed();
            return one_by_one(conn, state, staged);
        }
    };
    let mut by_id: HashMap<String, Locked> = HashMap::with_capacity(rows.len());
    for r in &rows {
        by_id.insert(
            r.get(1),
            Locked {
                rowid: r.get(0),
                meta: IntentMeta {
                    workspace_id: r.get(2),
                    to_workspace_id: r.get(3),
                    sender_sa_id: r.get(4),
                    to_agent: r.get(5),
                },
                status: r.get(6),
                last_seq: r.get(7),
                updated_at: r.get(8),
                body: r.get(9),
            },
        );
    }
    let mut decided = Vec::with_capacity(staged.len());
    for t in staged {
        let Some(row) = by_id.remove(&t.intent_id) else {
            let _ = t.answer.send(Err(StoreError::IntentNotFound(t.intent_id)));
            continue;
        };
        match decide(row, t.decide) {
            Ok((row, done, encoded)) => decided.push(Decided {
                answer: t.answer,
                row,
                done,
                encoded,
            }),
            Err(e) => {
                let _ = t.answer.send(Err(e));
            }
        }
    }
    if let Err(e) = write(conn, &decided) {
        tracing::warn!(error = %e, "staged transitions could not be written");
        conn.batch(if taken {
            "ROLLBACK TO job; RELEASE job"
        } else {
            "ROLLBACK; BEGIN"
        })
        .map_err(storage)?;
        conn.clear_failed();
        for d in decided {
            let _ = d.answer.send(Err(StoreError::Unavailable(
                "the write met a conflict and was rolled back; retry".into(),
            )));
        }
        return Ok(());
    }
    if taken {
        conn.batch("RELEASE job").map_err(storage)?;
    }
    for d in decided {
        react(conn, state, d)?;
    }
    Ok(())
}

/// The decision on one locked row, checked as `writes::transition` checks it.
/// Events as stored: `(seq, json)`.
type Encoded = Vec<(u64, String)>;

fn decide(row: Locked, decide: Decide) -> StoreResult<(Locked, Transitioned, Encoded)> {
    let current: Intent = serde_json::from_str(&row.body)
        .map_err(|e| StoreError::internal(format!("stored intent is unreadable: {e}")))?;
    let previous = current.status;
    let decision = decide(&row.meta, current)?;
    let intent_json = StoreError::encode(&decision.intent)?;
    let mut encoded = Vec::with_capacity(decision.events.len());
    for (i, event) in decision.events.iter().enumerate() {
        if to_i64(event.seq) != row.last_seq + 1 + i64::try_from(i).unwrap_or(i64::MAX) {
            return Err(StoreError::internal("event sequence out of order"));
        }
        encoded.push((event.seq, StoreError::encode(event)?));
    }
    let done = Transitioned {
        meta: row.meta.clone(),
        previous,
        intent: decision.intent,
        intent_json,
        events: decision.events,
    };
    Ok((row, done, encoded))
}

fn write(conn: &mut PgConn, decided: &[Decided]) -> StoreResult<()> {
    let mut ids = Vec::new();
    let mut statuses = Vec::new();
    let mut last_seqs = Vec::new();
    let mut updated = Vec::new();
    let mut bodies = Vec::new();
    let (mut ev_rows, mut ev_seqs, mut ev_bodies) = (Vec::new(), Vec::new(), Vec::new());
    for d in decided {
        let (row, done) = (&d.row, &d.done);
        if done.events.is_empty() {
            // No event (a failed delivery attempt counted): the body only, if it changed.
            if done.intent_json == row.body {
                continue;
            }
            ids.push(row.rowid);
            statuses.push(row.status.clone());
            last_seqs.push(row.last_seq);
            updated.push(row.updated_at.clone());
            bodies.push(done.intent_json.as_str());
            continue;
        }
        ids.push(row.rowid);
        statuses.push(done.intent.status.as_str().to_string());
        last_seqs.push(to_i64(done.events.last().map(|e| e.seq).unwrap_or(0)));
        updated.push(
            done.intent
                .updated_at
                .unwrap_or(done.intent.created_at)
                .to_string(),
        );
        bodies.push(done.intent_json.as_str());
        for (seq, body) in &d.encoded {
            ev_rows.push(row.rowid);
            ev_seqs.push(to_i64(*seq));
            ev_bodies.push(body.as_str());
        }
    }
    if ids.is_empty() {
        return Ok(());
    }
    conn.execute(
        WRITE,
        &[
            &ids, &statuses, &last_seqs, &updated, &bodies, &ev_rows, &ev_seqs, &ev_bodies,
        ],
    )
    .map_err(storage)?;
    Ok(())
}

/// The reactor on one written transition, in its own savepoint; if it refuses, the row and
/// its new events are put back as they were and the refusal is the answer.
fn react(conn: &mut PgConn, state: &mut WriterState, d: Decided) -> StoreResult<()> {
    let Decided {
        answer,
        row,
        done,
        encoded,
    } = d;
    if done.events.is_empty() {
        if done.intent_json != row.body {
            // Written without an event: other nodes drop their copies (see `writes::transition`).
            state.hot.push(HotUpdate::Transitioned {
                intent_id: done.intent.intent_id.clone(),
                status: done.intent.status,
                json: done.intent_json.clone(),
                events: Vec::new(),
            });
            state
                .staged_notices
                .push(Notice::Intent(done.intent.intent_id.clone()));
        }
        let _ = answer.send(Ok(done));
        return Ok(());
    }
    let created_before = state.created.len();
    let timers_before = state.timer_ops.len();
    let hot_before = state.hot.len();
    let directory_before = state.directory_changed;
    state.hot.push(HotUpdate::Transitioned {
        intent_id: done.intent.intent_id.clone(),
        status: done.intent.status,
        json: done.intent_json.clone(),
        events: encoded,
    });
    conn.clear_failed();
    conn.arm_savepoint(true);
    let reacted = tx::react(conn, state, &done);
    let taken = conn.savepoint_taken();
    conn.arm_savepoint(false);
    let reacted = match reacted {
        Ok(_) if conn.failed() => Err(StoreError::Unavailable(
            "the write met a conflict and was rolled back; retry".into(),
        )),
        other => other,
    };
    match reacted {
        Ok((notices, events)) => {
            if taken {
                conn.batch("RELEASE job").map_err(storage)?;
            }
            state
                .staged_notices
                .push(Notice::Intent(done.intent.intent_id.clone()));
            state.staged_notices.extend(notices);
            state.staged_events += done.events.len() + events;
            let _ = answer.send(Ok(done));
        }
        Err(refusal) => {
            if taken {
                conn.batch("ROLLBACK TO job; RELEASE job")
                    .map_err(storage)?;
            }
            conn.clear_failed();
            state.created.truncate(created_before);
            state.timer_ops.truncate(timers_before);
            state.hot.truncate(hot_before);
            state.directory_changed = directory_before;
            conn.execute(
                "UPDATE intents SET status = $2, last_seq = $3, updated_at = $4, body = $5 \
                 WHERE id = $1",
                &[
                    &row.rowid,
                    &row.status,
                    &row.last_seq,
                    &row.updated_at,
                    &row.body,
                ],
            )
            .map_err(storage)?;
            conn.execute(
                "DELETE FROM intent_events WHERE intent_rowid = $1 AND seq > $2",
                &[&row.rowid, &row.last_seq],
            )
            .map_err(storage)?;
            let _ = answer.send(Err(refusal));
        }
    }
    Ok(())
}

/// Each staged transition as its own job, after a failed lock of them all.
fn one_by_one(
    conn: &mut PgConn,
    state: &mut WriterState,
    staged: Vec<StagedTransition>,
) -> StoreResult<()> {
    for t in staged {
        let created_before = state.created.len();
        let timers_before = state.timer_ops.len();
        let hot_before = state.hot.len();
        conn.clear_failed();
        conn.arm_savepoint(true);
        let result = tx::transition_job(conn, state, &t.intent_id, t.decide);
        let taken = conn.savepoint_taken();
        conn.arm_savepoint(false);
        let result = match result {
            Ok(_) if conn.failed() => Err(StoreError::Unavailable(
                "the write met a conflict and was rolled back; retry".into(),
            )),
            other => other,
        };
        match result {
            Ok(staged) => {
                if taken {
                    conn.batch("RELEASE job").map_err(storage)?;
                }
                state.staged_notices.extend(staged.notices);
                state.staged_events += staged.events;
                let _ = t.answer.send(Ok(staged.value));
            }
            Err(e) => {
                if taken {
                    conn.batch("ROLLBACK TO job; RELEASE job")
                        .map_err(storage)?;
                }
                conn.clear_failed();
                state.created.truncate(created_before);
                state.timer_ops.truncate(timers_before);
                state.hot.truncate(hot_before);
                let _ = t.answer.send(Err(e));
            }
        }
    }
    Ok(())
}
