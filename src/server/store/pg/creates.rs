//! Creates staged by a batch's jobs and written together at its end: one statement for
//! all of them (intents, events, timers, delivery cursors), instead of a savepoint and
//! three or four statements each, one round trip apiece.
//!
//! Staging a create reorders it after the batch's other jobs. That is a valid order: every
//! job of a batch was asked for concurrently and none is answered before the commit, so no
//! client can have seen the new intent (its id is made by the server) while another job of
//! the same batch ran. Creates with an `Idempotency-Key` are staged by [`super::keyed`]:
//! their keys are claimed first (the answer depends on it), then they join these.

use super::conn::{PgConn, storage};
use super::writer::{Staged, WriterState};
use super::writes::{insert_intent, to_i64};
use crate::server::store::sqlite::hot::HotUpdate;
use crate::server::store::{CreateOutcome, IntentRow, NewIntent, Notice, StoreError, StoreResult};

/// Keeps the create for the end of the batch; answers as if written (the writer answers
/// with an error instead if writing it fails).
pub fn stage(state: &mut WriterState, n: NewIntent) -> StoreResult<Staged<CreateOutcome>> {
    if n.idempotency.is_some() {
        return Err(StoreError::internal(
            "an idempotent create cannot be staged",
        ));
    }
    let mut notices = vec![
        Notice::Agent(n.meta.to_agent.clone()),
        Notice::Intent(n.intent_id.clone()),
    ];
    notices.extend(n.timers.iter().map(|t| Notice::Timer(t.due_ms)));
    let staged = Staged {
        events: n.events.len(),
        notices,
        value: CreateOutcome::Created {
            response: n.response_json.clone(),
        },
    };
    state.pending.push(n);
    Ok(staged)
}

/// Counter, intents, events and timers in one statement. Cursors are handed out in the
/// order of `$2`, stride 2 as everywhere (`since = last` and `last + 1` resume alike); the
/// counter's row lock is then held until commit, so cursor order is commit order across
/// nodes.
const WRITE_ALL: &str = "\
WITH c AS (\
  UPDATE counters SET value = value + 2 * $1::bigint WHERE name = 'delivery_cursor' \
  RETURNING value), \
ins AS (\
  INSERT INTO intents (intent_id, workspace_id, to_workspace_id, sender_sa_id, to_agent, \
    status, last_seq, delivery_cursor, created_at, updated_at, body) \
  SELECT n.intent_id, n.workspace_id, n.to_workspace_id, n.sender_sa_id, n.to_agent, \
    n.status, n.last_seq, c.value - 2 * $1::bigint + 2 * n.ord, n.created_at, n.created_at, \
    n.body \
  FROM c, unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], \
    $8::bigint[], $9::text[], $10::text[]) WITH ORDINALITY \
    AS n(intent_id, workspace_id, to_workspace_id, sender_sa_id, to_agent, status, last_seq, \
      created_at, body, ord) \
  ORDER BY n.ord \
  RETURNING id, intent_id), \
ev AS (\
  INSERT INTO intent_events (intent_rowid, seq, body) \
  SELECT ins.id, e.seq, e.body \
  FROM unnest($11::text[], $12::bigint[], $13::text[]) AS e(intent_id, seq, body) \
  JOIN ins USING (intent_id)), \
tm AS (\
  INSERT INTO timers (intent_id, kind, due_ms, data) \
  SELECT * FROM unnest($14::text[], $15::text[], $16::bigint[], $17::text[]) \
  ON CONFLICT (intent_id, kind) DO UPDATE SET due_ms = excluded.due_ms, data = excluded.data) \
SELECT count(*), (SELECT value FROM c) FROM ins";

/// Writes the staged creates. `others`: kept jobs of this transaction sent statements,
/// so a failure here must roll back to a savepoint, not the transaction. When the
/// statement fails as a whole (a duplicate id, a repeated timer), each create is written
/// on its own; returns the indexes of those that could not be.
pub fn flush(
    conn: &mut PgConn,
    state: &mut WriterState,
    pending: &[NewIntent],
    others: bool,
) -> StoreResult<Vec<usize>> {
    conn.clear_failed();
    conn.arm_savepoint(others);
    let together = write_all(conn, state, pending);
    let taken = conn.savepoint_taken();
    conn.arm_savepoint(false);
    match together {
        Ok(()) => {
            if taken {
                conn.batch("RELEASE job").map_err(storage)?;
            }
            return Ok(Vec::new());
        }
        Err(e) => {
            tracing::warn!(error = %e, "the batch's creates failed together; one by one now");
            let undo = if taken {
                "ROLLBACK TO job; RELEASE job"
            } else {
                "ROLLBACK; BEGIN"
            };
            conn.batch(undo).map_err(storage)?;
            conn.clear_failed();
        }
    }
    let mut failed = Vec::new();
    for (i, n) in pending.iter().enumerate() {
        let before = state.created.len();
        conn.arm_savepoint(true);
        let written = insert_intent(conn, state, n);
        let taken = conn.savepoint_taken();
        conn.arm_savepoint(false);
        let close = match written {
            Ok(()) => "RELEASE job",
            Err(e) => {
                tracing::warn!(error = %e, intent_id = %n.intent_id, "a create was refused");
                state.created.truncate(before);
                failed.push(i);
                "ROLLBACK TO job; RELEASE job"
            }
        };
        if !taken {
            return Err(StoreError::internal("no savepoint for a create"));
        }
        conn.batch(close).map_err(storage)?;
        conn.clear_failed();
    }
    Ok(failed)
}

fn write_all(conn: &mut PgConn, state: &mut WriterState, pending: &[NewIntent]) -> StoreResult<()> {
    let n = pending.len();
    let count = i64::try_from(n).map_err(|e| StoreError::internal(e.to_string()))?;
    let mut ids = Vec::with_capacity(n);
    let mut workspaces = Vec::with_capacity(n);
    let mut to_workspaces = Vec::with_capacity(n);
    let mut senders = Vec::with_capacity(n);
    let mut agents = Vec::with_capacity(n);
    let mut statuses = Vec::with_capacity(n);
    let mut last_seqs = Vec::with_capacity(n);
    let mut created = Vec::with_capacity(n);
    let mut bodies = Vec::with_capacity(n);
    let (mut ev_ids, mut ev_seqs, mut ev_bodies) = (Vec::new(), Vec::new(), Vec::new());
    let (mut tm_ids, mut tm_kinds, mut tm_due, mut tm_data) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in pending {
        ids.push(p.intent_id.as_str());
        workspaces.push(p.meta.workspace_id.as_str());
        to_workspaces.push(p.meta.to_workspace_id.as_deref());
        senders.push(p.meta.sender_sa_id.as_str());
        agents.push(p.meta.to_agent.as_str());
        statuses.push(p.status.as_str());
        last_seqs.push(to_i64(p.events.last().map(|(seq, _)| *seq).unwrap_or(0)));
        created.push(p.created_at.as_str());
        bodies.push(p.intent_json.as_str());
        for (seq, body) in &p.events {
            ev_ids.push(p.intent_id.as_str());
            ev_seqs.push(to_i64(*seq));
            ev_bodies.push(body.as_str());
        }
        for t in &p.timers {
            tm_ids.push(t.intent_id.as_str());
            tm_kinds.push(t.kind.as_str());
            tm_due.push(t.due_ms);
            tm_data.push(t.data.as_str());
        }
    }
    let row = conn
        .query_opt(
            WRITE_ALL,
            &[
                &count,
                &ids,
                &workspaces,
                &to_workspaces,
                &senders,
                &agents,
                &statuses,
                &last_seqs,
                &created,
                &bodies,
                &ev_ids,
                &ev_seqs,
                &ev_bodies,
                &tm_ids,
                &tm_kinds,
                &tm_due,
                &tm_data,
            ],
        )
        .map_err(storage)?
        .ok_or_else(|| StoreError::internal("the insert returned no row"))?;
    let written: i64 = row.get(0);
    let Some(end) = row.get::<_, Option<i64>>(1).filter(|_| written == count) else {
        return Err(StoreError::internal(
            "the delivery cursor counter is missing",
        ));
    };
    // The node's copy: the cursors as the statement handed them out, in `pending` order.
    let first = end - 2 * count + 2;
    for (i, p) in pending.iter().enumerate() {
        let cursor = first + 2 * i64::try_from(i).unwrap_or(i64::MAX);
        state.hot.push(HotUpdate::Created {
            intent_id: p.intent_id.clone(),
            row: IntentRow {
                meta: p.meta.clone(),
                status: p.status,
                delivery_cursor: u64::try_from(cursor).unwrap_or(0),
                json: p.intent_json.clone(),
            },
            events: p.events.clone(),
        });
    }
    Ok(())
}
