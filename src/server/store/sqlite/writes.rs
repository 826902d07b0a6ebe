//! The bodies of write jobs; each runs on the writer thread inside its own savepoint.

use rusqlite::{Connection, OptionalExtension, params};

use super::hot::HotUpdate;
use super::writer::{Staged, WriterState};
use crate::protocol::Intent;
use crate::protocol::access::Role;
use crate::server::store::{
    AccountRow, CreateOutcome, Decide, Duplicate, IdempotencyKey, IntentMeta, IntentRow, KeyRow,
    NewIntent, Notice, OrgRow, StoreError, StoreResult, Transitioned, WorkspaceRow,
};

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

fn duplicate_or(e: rusqlite::Error, duplicate: impl FnOnce() -> Duplicate) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Duplicate(duplicate())
    } else {
        e.into()
    }
}

pub fn insert_org(conn: &Connection, org: &OrgRow) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO orgs (org_id, slug, created_at) VALUES (?1, ?2, ?3)")?
        .execute(params![org.org_id, org.slug, org.created_at])
        .map_err(|e| {
            duplicate_or(e, || Duplicate::Org {
                slug: org.slug.clone(),
            })
        })?;
    Ok(())
}

pub fn insert_workspace(conn: &Connection, ws: &WorkspaceRow) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO workspaces (workspace_id, org_id, slug, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![ws.workspace_id, ws.org_id, ws.slug, ws.created_at])
    .map_err(|e| {
        duplicate_or(e, || Duplicate::Workspace {
            slug: ws.slug.clone(),
        })
    })?;
    Ok(())
}

pub fn insert_account(conn: &Connection, a: &AccountRow) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO service_accounts (sa_id, org_id, workspace_id, name, display_name, \
         description, status, is_admin, created_at, updated_at, role) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        a.sa_id,
        a.org_id,
        a.workspace_id,
        a.name,
        a.display_name,
        a.description,
        a.status,
        a.role == Role::Admin,
        a.created_at,
        a.updated_at,
        a.role.as_str()
    ])
    .map_err(|e| {
        duplicate_or(e, || Duplicate::Account {
            name: a.name.clone(),
        })
    })?;
    Ok(())
}

pub fn insert_key(conn: &Connection, k: &KeyRow) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO api_keys (key_id, sa_id, secret_hash, key_hint, status, created_at, \
         expires_at, revoked_at, scopes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        k.key_id,
        k.sa_id,
        &k.secret_hash[..],
        k.key_hint,
        k.status,
        k.created_at,
        k.expires_at,
        k.revoked_at,
        k.scopes.map(|s| s.to_string())
    ])?;
    Ok(())
}

pub fn revoke_key(
    conn: &Connection,
    sa_id: &str,
    key_id: &str,
    at: &str,
) -> StoreResult<Option<KeyRow>> {
    let changed = conn
        .prepare_cached(
            "UPDATE api_keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, ?3) \
             WHERE sa_id = ?1 AND key_id = ?2",
        )?
        .execute(params![sa_id, key_id, at])?;
    if changed == 0 {
        return Ok(None);
    }
    let key = conn
        .prepare_cached(&format!(
            "SELECT {} FROM api_keys WHERE key_id = ?1",
            super::reads::KEY_COLUMNS
        ))?
        .query_row([key_id], super::reads::key_row)
        .optional()?;
    Ok(key)
}

/// The earlier answer under this key, or a conflict when the key came with another body.
pub fn idempotent_replay(conn: &Connection, idem: &IdempotencyKey) -> StoreResult<Option<String>> {
    let earlier: Option<(Vec<u8>, String)> = conn
        .prepare_cached(
            "SELECT body_hash, response FROM idempotency \
             WHERE sa_id = ?1 AND endpoint = ?2 AND key = ?3",
        )?
        .query_row(params![idem.sa_id, idem.endpoint, idem.key], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match earlier {
        None => Ok(None),
        Some((hash, response)) if hash == idem.body_hash => Ok(Some(response)),
        Some(_) => Err(StoreError::IdempotencyConflict {
            key: idem.key.clone(),
        }),
    }
}

pub fn remember(conn: &Connection, idem: &IdempotencyKey, response: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO idempotency (sa_id, endpoint, key, body_hash, response, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, unixepoch())",
    )?
    .execute(params![
        idem.sa_id,
        idem.endpoint,
        idem.key,
        &idem.body_hash[..],
        response
    ])?;
    Ok(())
}

pub fn create_intent(
    conn: &Connection,
    state: &mut WriterState,
    n: NewIntent,
) -> StoreResult<Staged<CreateOutcome>> {
    if let Some(idem) = &n.idempotency
        && let Some(response) = idempotent_replay(conn, idem)?
    {
        return Ok(Staged::quiet(CreateOutcome::Replayed { response }));
    }
    let cursor = state.next_cursor();
    let last_seq = n.events.last().map(|(seq, _)| *seq).unwrap_or(0);
    conn.prepare_cached(
        "INSERT INTO intents (intent_id, workspace_id, to_workspace_id, sender_sa_id, to_agent, \
         status, last_seq, delivery_cursor, created_at, updated_at, body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
    )?
    .execute(params![
        n.intent_id,
        n.meta.workspace_id,
        n.meta.to_workspace_id,
        n.meta.sender_sa_id,
        n.meta.to_agent,
        n.status.as_str(),
        crate::num::i64_from_u64(last_seq),
        crate::num::i64_from_u64(cursor),
        n.created_at,
        n.intent_json
    ])?;
    let rowid = conn.last_insert_rowid();
    insert_events(conn, rowid, n.events.iter().map(|(s, j)| (*s, j.as_str())))?;
    if let Some(idem) = &n.idempotency {
        remember(conn, idem, &n.response_json)?;
    }
    state.hot.push(HotUpdate::Created {
        intent_id: n.intent_id.clone(),
        row: IntentRow {
            meta: n.meta.clone(),
            status: n.status,
            delivery_cursor: cursor,
            json: n.intent_json.clone(),
        },
        events: n.events.clone(),
    });
    let mut notices = vec![Notice::Agent(n.meta.to_agent), Notice::Intent(n.intent_id)];
    for timer in &n.timers {
        super::tx::insert_timer(conn, timer)?;
        notices.push(Notice::Timer(timer.due_ms));
    }
    Ok(Staged {
        events: n.events.len(),
        notices,
        value: CreateOutcome::Created {
            response: n.response_json,
        },
    })
}

fn insert_events<'a>(
    conn: &Connection,
    rowid: i64,
    events: impl Iterator<Item = (u64, &'a str)>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO intent_events (intent_rowid, seq, body) VALUES (?1, ?2, ?3)",
    )?;
    for (seq, json) in events {
        stmt.execute(params![rowid, crate::num::i64_from_u64(seq), json])?;
    }
    Ok(())
}

pub fn transition(
    conn: &Connection,
    state: &mut WriterState,
    intent_id: &str,
    decide: Decide,
) -> StoreResult<Staged<Transitioned>> {
    let row = conn
        .prepare_cached(
            "SELECT id, workspace_id, to_workspace_id, sender_sa_id, last_seq, body, to_agent \
             FROM intents WHERE intent_id = ?1",
        )?
        .query_row([intent_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                IntentMeta {
                    workspace_id: r.get(1)?,
                    to_workspace_id: r.get(2)?,
                    sender_sa_id: r.get(3)?,
                    to_agent: r.get(6)?,
                },
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    let Some((rowid, meta, last_seq, body)) = row else {
        return Err(StoreError::IntentNotFound(intent_id.to_string()));
    };
    let current: Intent = serde_json::from_str(&body)
        .map_err(|e| StoreError::internal(format!("stored intent is unreadable: {e}")))?;
    let previous = current.status;
    let decision = decide(&meta, current)?;
    let intent_json = StoreError::encode(&decision.intent)?;
    if decision.events.is_empty() {
        // A change that is no event (a failed delivery attempt counted): the row only.
        if intent_json != body {
            conn.prepare_cached("UPDATE intents SET body = ?2 WHERE id = ?1")?
                .execute(params![rowid, intent_json])?;
            state.hot.push(HotUpdate::Transitioned {
                intent_id: intent_id.to_string(),
                status: decision.intent.status,
                json: intent_json.clone(),
                events: Vec::new(),
            });
        }
        return Ok(Staged::quiet(Transitioned {
            meta,
            previous,
            intent: decision.intent,
            intent_json,
            events: Vec::new(),
        }));
    }
    let mut encoded = Vec::with_capacity(decision.events.len());
    for (i, event) in decision.events.iter().enumerate() {
        // The log has no gaps: the engine must continue exactly after the stored seq.
        if event.seq != crate::num::u64_from_i64(last_seq) + 1 + crate::num::u64_from_usize(i) {
            return Err(StoreError::internal("event sequence out of order"));
        }
        encoded.push((event.seq, StoreError::encode(event)?));
    }
    let new_last = decision.events.last().map(|e| e.seq).unwrap_or(0);
    let updated_at = decision
        .intent
        .updated_at
        .unwrap_or(decision.intent.created_at)
        .to_string();
    conn.prepare_cached(
        "UPDATE intents SET status = ?2, last_seq = ?3, updated_at = ?4, body = ?5 WHERE id = ?1",
    )?
    .execute(params![
        rowid,
        decision.intent.status.as_str(),
        crate::num::i64_from_u64(new_last),
        updated_at,
        intent_json
    ])?;
    insert_events(conn, rowid, encoded.iter().map(|(s, j)| (*s, j.as_str())))?;
    state.hot.push(HotUpdate::Transitioned {
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
