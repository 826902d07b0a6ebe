//! The bodies of write jobs on the writer's connection: directory rows, idempotency
//! records, new intents with their events and timers, and one intent's transition. Mirrors
//! the SQLite store's `writes.rs`; what differs is locking, since several nodes write: an
//! intent's row is locked before its next `seq` is chosen, and idempotency keys are claimed
//! with `ON CONFLICT DO NOTHING`.

use postgres::Row;

use super::conn::{PgConn, is_unique_violation, storage};
use super::writer::{Staged, WriterState};
use crate::protocol::Intent;
use crate::protocol::access::Role;
use crate::server::store::sqlite::hot::HotUpdate;
use crate::server::store::{
    AccountRow, CreateOutcome, Decide, Duplicate, IdempotencyKey, IntentMeta, KeyRow, NewIntent,
    Notice, OrgRow, StoreError, StoreResult, TimerRow, Transitioned, WorkspaceRow,
};

fn duplicate_or(e: postgres::Error, duplicate: Duplicate) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Duplicate(duplicate)
    } else {
        storage(e)
    }
}

pub fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub fn insert_org(conn: &mut PgConn, org: &OrgRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO orgs (org_id, slug, created_at) VALUES ($1, $2, $3)",
        &[&org.org_id, &org.slug, &org.created_at],
    )
    .map_err(|e| {
        duplicate_or(
            e,
            Duplicate::Org {
                slug: org.slug.clone(),
            },
        )
    })?;
    Ok(())
}

pub fn insert_workspace(conn: &mut PgConn, ws: &WorkspaceRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO workspaces (workspace_id, org_id, slug, created_at) VALUES ($1, $2, $3, $4)",
        &[&ws.workspace_id, &ws.org_id, &ws.slug, &ws.created_at],
    )
    .map_err(|e| {
        duplicate_or(
            e,
            Duplicate::Workspace {
                slug: ws.slug.clone(),
            },
        )
    })?;
    Ok(())
}

pub fn insert_account(conn: &mut PgConn, a: &AccountRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO service_accounts (sa_id, org_id, workspace_id, name, display_name, \
         description, status, is_admin, created_at, updated_at, role) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            &a.sa_id,
            &a.org_id,
            &a.workspace_id,
            &a.name,
            &a.display_name,
            &a.description,
            &a.status,
            &(a.role == Role::Admin),
            &a.created_at,
            &a.updated_at,
            &a.role.as_str(),
        ],
    )
    .map_err(|e| {
        duplicate_or(
            e,
            Duplicate::Account {
                name: a.name.clone(),
            },
        )
    })?;
    Ok(())
}

pub fn insert_key(conn: &mut PgConn, k: &KeyRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO api_keys (key_id, sa_id, secret_hash, key_hint, status, created_at, \
         expires_at, revoked_at, scopes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &k.key_id,
            &k.sa_id,
            &&k.secret_hash[..],
            &k.key_hint,
            &k.status,
            &k.created_at,
            &k.expires_at,
            &k.revoked_at,
            &k.scopes.map(|s| s.to_string()),
        ],
    )
    .map_err(storage)?;
    Ok(())
}

pub fn revoke_key(
    conn: &mut PgConn,
    sa_id: &str,
    key_id: &str,
    at: &str,
) -> StoreResult<Option<KeyRow>> {
    let row = conn
        .query_opt(
            &format!(
                "UPDATE api_keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, $3) \
                 WHERE sa_id = $1 AND key_id = $2 RETURNING {}",
                super::reads::KEY_COLUMNS
            ),
            &[&sa_id, &key_id, &at],
        )
        .map_err(storage)?;
    Ok(row.as_ref().map(super::reads::key_row))
}

/// The earlier answer under this key, or a 409 when the key came with another body.
pub fn idempotent_replay(conn: &mut PgConn, idem: &IdempotencyKey) -> StoreResult<Option<String>> {
    let earlier = conn
        .query_opt(
            "SELECT body_hash, response FROM idempotency \
             WHERE sa_id = $1 AND endpoint = $2 AND key = $3",
            &[&idem.sa_id, &idem.endpoint, &idem.key],
        )
        .map_err(storage)?;
    match earlier {
        None => Ok(None),
        Some(row) => {
            let hash: Vec<u8> = row.get(0);
            if hash == idem.body_hash {
                Ok(Some(row.get(1)))
            } else {
                Err(StoreError::IdempotencyConflict {
                    key: idem.key.clone(),
                })
            }
        }
    }
}

/// Claims the key for this answer. Another node's transaction holding the same key is
/// waited for; if it committed, its answer is returned instead (`Some`).
pub(super) fn claim(
    conn: &mut PgConn,
    idem: &IdempotencyKey,
    response: &str,
) -> StoreResult<Option<String>> {
    let inserted = conn
        .execute(
            "INSERT INTO idempotency (sa_id, endpoint, key, body_hash, response, created_at) \
             VALUES ($1, $2, $3, $4, $5, extract(epoch FROM now())::bigint) \
             ON CONFLICT DO NOTHING",
            &[
                &idem.sa_id,
                &idem.endpoint,
                &idem.key,
                &&idem.body_hash[..],
                &response,
            ],
        )
        .map_err(storage)?;
    if inserted == 1 {
        return Ok(None);
    }
    idempotent_replay(conn, idem)?
        .map(Some)
        .ok_or_else(|| StoreError::internal("idempotency record vanished"))
}

pub fn create_intent(
    conn: &mut PgConn,
    state: &mut WriterState,
    n: NewIntent,
) -> StoreResult<Staged<CreateOutcome>> {
    if let Some(idem) = &n.idempotency {
        if let Some(response) = idempotent_replay(conn, idem)? {
            return Ok(Staged::quiet(CreateOutcome::Replayed { response }));
        }
        if let Some(response) = claim(conn, idem, &n.response_json)? {
            return Ok(Staged::quiet(CreateOutcome::Replayed { response }));
        }
    }
    insert_intent(conn, state, &n)?;
    let mut notices = vec![Notice::Agent(n.meta.to_agent), Notice::Intent(n.intent_id)];
    notices.extend(n.timers.iter().map(|t| Notice::Timer(t.due_ms)));
    Ok(Staged {
        events: n.events.len(),
        notices,
        value: CreateOutcome::Created {
            response: n.response_json,
        },
    })
}

/// The rows of a new intent: the intent, its events, its timers. Its delivery cursor is
/// set when the transaction ends (see `writer::finish`).
pub fn insert_intent(conn: &mut PgConn, state: &mut WriterState, n: &NewIntent) -> StoreResult<()> {
    let last_seq = to_i64(n.events.last().map(|(seq, _)| *seq).unwrap_or(0));
    let row = conn
        .query_opt(
            "INSERT INTO intents (intent_id, workspace_id, to_workspace_id, sender_sa_id, \
             to_agent, status, last_seq, delivery_cursor, created_at, updated_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8, $9) RETURNING id",
            &[
                &n.intent_id,
                &n.meta.workspace_id,
                &n.meta.to_workspace_id,
                &n.meta.sender_sa_id,
                &n.meta.to_agent,
                &n.status.as_str(),
                &last_seq,
                &n.created_at,
                &n.intent_json,
            ],
        )
        .map_err(storage)?
        .ok_or_else(|| StoreError::internal("insert returned no row"))?;
    let rowid: i64 = row.get(0);
    insert_events(conn, rowid, &n.events)?;
    state.created.push(rowid);
    for timer in &n.timers {
        insert_timer(conn, timer)?;
    }
    Ok(())
}

fn insert_events(conn: &mut PgConn, rowid: i64, events: &[(u64, String)]) -> StoreResult<()> {
    let seqs: Vec<i64> = events.iter().map(|(s, _)| to_i64(*s)).collect();
    let bodies: Vec<&str> = events.iter().map(|(_, j)| j.as_str()).collect();
    conn.execute(
        "INSERT INTO intent_events (intent_rowid, seq, body) \
         SELECT $1, s, b FROM unnest($2::bigint[], $3::text[]) AS e(s, b)",
        &[&rowid, &seqs, &bodies],
    )
    .map_err(storage)?;
    Ok(())
}

pub fn insert_timer(conn: &mut PgConn, t: &TimerRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO timers (intent_id, kind, due_ms, data) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (intent_id, kind) DO UPDATE SET due_ms = excluded.due_ms, data = excluded.data",
        &[&t.intent_id, &t.kind, &t.due_ms, &t.data],
    )
    .map_err(storage)?;
    Ok(())
}

/// The meta of a row whose workspace, receiver workspace and sender are columns `first`,
/// `first + 1`, `first + 2`, and whose `to_agent` is column `to_agent`.
pub(super) fn meta_of(row: &Row, first: usize, to_agent: usize) -> IntentMeta {
    IntentMeta {
        workspace_id: row.get(first),
        to_workspace_id: row.get(first + 1),
        sender_sa_id: row.get(first + 2),
        to_agent: row.get(to_agent),
    }
}

pub(super) fn parse_intent(body: &str) -> StoreResult<Intent> {
    serde_json::from_str(body)
        .map_err(|e| StoreError::internal(format!("stored intent is unreadable: {e}")))
}

pub fn transition(
    conn: &mut PgConn,
    hot: &mut Vec<HotUpdate>,
    intent_id: &str,
    decide: Decide,
) -> StoreResult<Staged<Transitioned>> {
    // The row lock orders appends to this intent across nodes: the next seq is chosen
    // only while holding it, and it is held until commit.
    let row = conn
        .query_opt(
            "SELECT id, workspace_id, to_workspace_id, sender_sa_id, last_seq, body, to_agent \
             FROM intents WHERE intent_id = $1 FOR UPDATE",
            &[&intent_id],
        )
        .map_err(storage)?;
    let Some(row) = row else {
        return Err(StoreError::IntentNotFound(intent_id.to_string()));
    };
    let rowid: i64 = row.get(0);
    let meta = meta_of(&row, 1, 6);
    let last_seq: i64 = row.get(4);
    let body: &str = row.get(5);
    let current = parse_intent(body)?;
    let previous = current.status;
    let decision = decide(&meta, current)?;
    let intent_json = StoreError::encode(&decision.intent)?;
    if decision.events.is_empty() {
        // A change that is no event (a failed delivery attempt counted): the row only.
        if intent_json != body {
            conn.execute(
                "UPDATE intents SET body = $2 WHERE id = $1",
                &[&rowid, &intent_json],
            )
            .map_err(storage)?;
            hot.push(HotUpdate::Transitioned {
                intent_id: intent_id.to_string(),
                status: decision.intent.status,
                json: intent_json.clone(),
                events: Vec::new(),
            });
        }
        // No event, so no watcher needs waking; other nodes are still told, so that
        // their copies of this intent are dropped.
        let notices = if intent_json != body {
            vec![Notice::Intent(intent_id.to_string())]
        } else {
            Vec::new()
        };
        return Ok(Staged {
            events: 0,
            notices,
            value: Transitioned {
                meta,
                previous,
                intent: decision.intent,
                intent_json,
                events: Vec::new(),
            },
        });
    }
    let mut encoded = Vec::with_capacity(decision.events.len());
    for (i, event) in decision.events.iter().enumerate() {
        // The log has no gaps: the engine must continue exactly after the stored seq.
        if to_i64(event.seq) != last_seq + 1 + i64::try_from(i).unwrap_or(i64::MAX) {
            return Err(StoreError::internal("event sequence out of order"));
        }
        encoded.push((event.seq, StoreError::encode(event)?));
    }
    let new_last = to_i64(decision.events.last().map(|e| e.seq).unwrap_or(0));
    let updated_at = decision
        .intent
        .updated_at
        .unwrap_or(decision.intent.created_at)
        .to_string();
    conn.execute(
        "UPDATE intents SET status = $2, last_seq = $3, updated_at = $4, body = $5 WHERE id = $1",
        &[
            &rowid,
            &decision.intent.status.as_str(),
            &new_last,
            &updated_at,
            &intent_json,
        ],
    )
    .map_err(storage)?;
    insert_events(conn, rowid, &encoded)?;
    hot.push(HotUpdate::Transitioned {
        intent_id: intent_id.to_string(),
        status: decision.intent.status,
        json: intent_json.clone(),
        events: encoded,
    });
    Ok(Staged {
        events: decision.events.len(),
        notices: vec![Notice::Intent(intent_id.to_string())],
        value: Transitioned {
            meta,
            previous,
            intent: decision.intent,
            intent_json,
            events: decision.events,
        },
    })
}
