//! The nick registry (`store::users`) in SQLite; called from `tx.rs` inside the writer's
//! transaction.

use rusqlite::{Connection, OptionalExtension, params};

use crate::server::store::users::ProfileRow;
use crate::server::store::{Duplicate, StoreError, StoreResult};

const COLUMNS: &str = "owner_agent, user_id, workspace_id, sa_id, nick, normalized_nick, \
                       display_name, phone, email, created_at, updated_at";

fn profile_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProfileRow> {
    Ok(ProfileRow {
        owner_agent: r.get(0)?,
        user_id: r.get(1)?,
        workspace_id: r.get(2)?,
        sa_id: r.get(3)?,
        nick: r.get(4)?,
        normalized_nick: r.get(5)?,
        display_name: r.get(6)?,
        phone: r.get(7)?,
        email: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub fn profile(conn: &Connection, owner_agent: &str) -> StoreResult<Option<ProfileRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM nick_profiles WHERE owner_agent = ?1"
        ))?
        .query_row([owner_agent], profile_of)
        .optional()?)
}

pub fn profile_by_nick(conn: &Connection, normalized: &str) -> StoreResult<Option<ProfileRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM nick_profiles WHERE normalized_nick = ?1"
        ))?
        .query_row([normalized], profile_of)
        .optional()?)
}

pub fn put_profile(conn: &Connection, row: &ProfileRow) -> StoreResult<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO nick_profiles ({COLUMNS}) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
         ON CONFLICT (owner_agent) DO UPDATE SET user_id = excluded.user_id, \
         workspace_id = excluded.workspace_id, sa_id = excluded.sa_id, nick = excluded.nick, \
         normalized_nick = excluded.normalized_nick, display_name = excluded.display_name, \
         phone = excluded.phone, email = excluded.email, created_at = excluded.created_at, \
         updated_at = excluded.updated_at"
    ))?
    .execute(params![
        row.owner_agent,
        row.user_id,
        row.workspace_id,
        row.sa_id,
        row.nick,
        row.normalized_nick,
        row.display_name,
        row.phone,
        row.email,
        row.created_at,
        row.updated_at
    ])
    .map_err(|e| match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::Duplicate(Duplicate::Nick {
                nick: row.normalized_nick.clone(),
            })
        }
        _ => e.into(),
    })?;
    Ok(())
}
