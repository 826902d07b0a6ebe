//! Creates with an `Idempotency-Key`, staged like the others ([`super::creates`]): at the
//! end of the batch one statement claims every key, one more reads the earlier answers of
//! the keys already taken (rarely), and the claimed creates are written with the batch's
//! other creates, in their one statement. Done one by one, each cost a replay read, a
//! claim, an intent, its events and its timer, one round trip apiece.
//!
//! A key claimed by another node's open transaction is waited for (`ON CONFLICT` waits);
//! if that transaction committed, its answer is replayed, as before. The same key twice in
//! one batch: the second runs at once, in its place, and the staged one then replays it.

use std::collections::HashSet;

use tokio::sync::oneshot;

use super::conn::{PgConn, storage};
use super::writer::{Staged, WriterState};
use super::writes;
use crate::server::store::{
    CreateOutcome, IdempotencyKey, NewIntent, Notice, StoreError, StoreResult,
};

pub type Answer = oneshot::Sender<StoreResult<CreateOutcome>>;

pub struct StagedKeyed {
    pub intent: NewIntent,
    pub answer: Answer,
}

/// A claimed create, written with the batch's creates; answered once they are.
pub struct Claimed {
    pub answer: Answer,
    pub key: IdempotencyKey,
    pub response: String,
    pub notices: Vec<Notice>,
    pub events: usize,
}

fn same_key(a: &IdempotencyKey, b: &IdempotencyKey) -> bool {
    a.sa_id == b.sa_id && a.endpoint == b.endpoint && a.key == b.key
}

/// Stages the create, or runs it at once when its key is staged already in this batch
/// (then the value is `Some`).
pub fn stage_or_run(
    conn: &mut PgConn,
    state: &mut WriterState,
    intent: NewIntent,
    answer: Answer,
) -> StoreResult<Staged<Option<CreateOutcome>>> {
    let Some(key) = &intent.idempotency else {
        return Err(StoreError::internal(
            "a create without a key is not staged here",
        ));
    };
    let repeated = state.keyed.iter().any(|k| {
        k.intent
            .idempotency
            .as_ref()
            .is_some_and(|staged| same_key(staged, key))
    });
    if repeated {
        let done = writes::create_intent(conn, state, intent)?;
        return Ok(Staged {
            value: Some(done.value),
            notices: done.notices,
            events: done.events,
        });
    }
    state.keyed.push(StagedKeyed { intent, answer });
    Ok(Staged::quiet(None))
}

const CLAIM: &str = "\
INSERT INTO idempotency (sa_id, endpoint, key, body_hash, response, created_at) \
SELECT k.sa_id, k.endpoint, k.key, k.body_hash, k.response, extract(epoch FROM now())::bigint \
FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[]) \
  AS k(sa_id, endpoint, key, body_hash, response) \
ON CONFLICT DO NOTHING RETURNING sa_id, endpoint, key";

/// Read in a statement of its own: the claim waited for the other transactions holding
/// these keys, and only a new snapshot sees what they committed.
const EARLIER: &str = "\
SELECT i.sa_id, i.endpoint, i.key, i.body_hash, i.response FROM idempotency i \
JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(sa_id, endpoint, key) \
  ON i.sa_id = k.sa_id AND i.endpoint = k.endpoint AND i.key = k.key";

/// Claims the keys of the batch's staged keyed creates. Those already taken are answered
/// now (the earlier answer, or 409 for another body); the claimed ones join
/// `state.pending` (after the batch's other creates) and are returned, in that order, to
/// be answered once written. `others`: kept jobs of this transaction sent statements. An
/// error is a failure of the transaction.
pub fn claim(
    conn: &mut PgConn,
    state: &mut WriterState,
    others: bool,
) -> StoreResult<Vec<Claimed>> {
    let staged = std::mem::take(&mut state.keyed);
    if staged.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<&IdempotencyKey> = staged
        .iter()
        .filter_map(|s| s.intent.idempotency.as_ref())
        .collect();
    if keys.len() != staged.len() {
        return Err(StoreError::internal("a staged keyed create has no key"));
    }
    let sa_ids: Vec<&str> = keys.iter().map(|k| k.sa_id.as_str()).collect();
    let endpoints: Vec<&str> = keys.iter().map(|k| k.endpoint.as_str()).collect();
    let names: Vec<&str> = keys.iter().map(|k| k.key.as_str()).collect();
    let hashes: Vec<&[u8]> = keys.iter().map(|k| &k.body_hash[..]).collect();
    let responses: Vec<&str> = staged
        .iter()
        .map(|s| s.intent.response_json.as_str())
        .collect();
    conn.clear_failed();
    conn.arm_savepoint(others);
    let claimed = conn.query(CLAIM, &[&sa_ids, &endpoints, &names, &hashes, &responses]);
    let taken = conn.savepoint_taken();
    conn.arm_savepoint(false);
    let rows = match claimed {
        Ok(rows) => rows,
        Err(e) => {
            // A lock conflict with another node: each one on its own instead.
            tracing::warn!(error = %e, "staged keyed creates could not claim together");
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
    if taken {
        conn.batch("RELEASE job").map_err(storage)?;
    }
    let won: HashSet<(String, String, String)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let (mine, lost): (Vec<StagedKeyed>, Vec<StagedKeyed>) = staged.into_iter().partition(|s| {
        s.intent
            .idempotency
            .as_ref()
            .is_some_and(|k| won.contains(&(k.sa_id.clone(), k.endpoint.clone(), k.key.clone())))
    });
    if !lost.is_empty() {
        replay(conn, lost)?;
    }
    let mut out = Vec::with_capacity(mine.len());
    for StagedKeyed { intent, answer } in mine {
        let Some(key) = intent.idempotency.clone() else {
            continue;
        };
        let mut notices = vec![
            Notice::Agent(intent.meta.to_agent.clone()),
            Notice::Intent(intent.intent_id.clone()),
        ];
        notices.extend(intent.timers.iter().map(|t| Notice::Timer(t.due_ms)));
        out.push(Claimed {
            answer,
            key,
            response: intent.response_json.clone(),
            notices,
            events: intent.events.len(),
        });
        state.pending.push(intent);
    }
    Ok(out)
}

/// Answers the creates whose key another request took first: its answer for the same
/// body, 409 for another.
fn replay(conn: &mut PgConn, lost: Vec<StagedKeyed>) -> StoreResult<()> {
    let keys: Vec<IdempotencyKey> = lost
        .iter()
        .filter_map(|s| s.intent.idempotency.clone())
        .collect();
    let sa_ids: Vec<&str> = keys.iter().map(|k| k.sa_id.as_str()).collect();
    let endpoints: Vec<&str> = keys.iter().map(|k| k.endpoint.as_str()).collect();
    let names: Vec<&str> = keys.iter().map(|k| k.key.as_str()).collect();
    let rows = conn
        .query(EARLIER, &[&sa_ids, &endpoints, &names])
        .map_err(storage)?;
    for (staged, key) in lost.into_iter().zip(keys) {
        let earlier = rows.iter().find(|r| {
            r.get::<_, &str>(0) == key.sa_id
                && r.get::<_, &str>(1) == key.endpoint
                && r.get::<_, &str>(2) == key.key
        });
        let outcome = match earlier {
            None => Err(StoreError::internal("idempotency record vanished")),
            Some(r) if r.get::<_, &[u8]>(3) == key.body_hash => {
                Ok(CreateOutcome::Replayed { response: r.get(4) })
            }
            Some(_) => Err(StoreError::IdempotencyConflict { key: key.key }),
        };
        let _ = staged.answer.send(outcome);
    }
    Ok(())
}

/// Each staged keyed create as its own job, after a failed claim of them all: written
/// here, so nothing joins `state.pending`.
fn one_by_one(
    conn: &mut PgConn,
    state: &mut WriterState,
    staged: Vec<StagedKeyed>,
) -> StoreResult<Vec<Claimed>> {
    for StagedKeyed { intent, answer } in staged {
        let created_before = state.created.len();
        conn.clear_failed();
        conn.arm_savepoint(true);
        let result = writes::create_intent(conn, state, intent);
        let taken = conn.savepoint_taken();
        conn.arm_savepoint(false);
        let result = match result {
            Ok(_) if conn.failed() => Err(StoreError::Unavailable(
                "the write met a conflict and was rolled back; retry".into(),
            )),
            other => other,
        };
        match result {
            Ok(done) => {
                if taken {
                    conn.batch("RELEASE job").map_err(storage)?;
                }
                state.staged_notices.extend(done.notices);
                state.staged_events += done.events;
                let _ = answer.send(Ok(done.value));
            }
            Err(e) => {
                if taken {
                    conn.batch("ROLLBACK TO job; RELEASE job")
                        .map_err(storage)?;
                }
                conn.clear_failed();
                state.created.truncate(created_before);
                let _ = answer.send(Err(e));
            }
        }
    }
    Ok(Vec::new())
}

/// After the batch's creates were written: the claimed ones are answered, and those that
/// could not be written give their key back (else a retry would replay an answer naming
/// an intent that does not exist). `failed`: their positions in the returned order.
pub fn settle(
    conn: &mut PgConn,
    state: &mut WriterState,
    claimed: Vec<Claimed>,
    failed: &HashSet<usize>,
) -> StoreResult<()> {
    for (i, c) in claimed.into_iter().enumerate() {
        if failed.contains(&i) {
            conn.execute(
                "DELETE FROM idempotency WHERE sa_id = $1 AND endpoint = $2 AND key = $3",
                &[&c.key.sa_id, &c.key.endpoint, &c.key.key],
            )
            .map_err(storage)?;
            let _ = c.answer.send(Err(StoreError::Unavailable(
                "the write met a conflict and was rolled back; retry".into(),
            )));
            continue;
        }
        state.staged_notices.extend(c.notices);
        state.staged_events += c.events;
        let _ = c.answer.send(Ok(CreateOutcome::Created {
            response: c.response,
        }));
    }
    Ok(())
}
