//! The nick registry (`store::users`) in PostgreSQL; called from `tx.rs` inside the
//! writer's transaction. A profile read to be changed is locked (`FOR UPDATE`); two nodes
//! taking one nick at once meet the unique index, and the later one is told it is taken.

use postgres::Row;

use super::conn::{PgConn, is_unique_violation, storage};
use crate::server::store::users::ProfileRow;
use crate::server::store::{Duplicate, StoreError, StoreResult};

const COLUMNS: &str = "owner_agent, user_id, workspace_id, sa_id, nick, normalized_nick, \
                       display_name, phone, email, created_at, updated_at";

fn profile_of(r: &Row) -> ProfileRow {
    ProfileRow {
        owner_agent: r.get(0),
        user_id: r.get(1),
        workspace_id: r.get(2),
        sa_id: r.get(3),
        nick: r.get(4),
        normalized_nick: r.get(5),
        display_name: r.get(6),
        phone: r.get(7),
        email: r.get(8),
        created_at: r.get(9),
        updated_at: r.get(10),
    }
}

pub fn profile(conn: &mut PgConn, owner_agent: &str) -> StoreResult<Option<ProfileRow>> {
    Ok(conn
        .query_opt(
            &format!("SELECT {COLUMNS} FROM nick_profiles WHERE owner_agent = $1 FOR UPDATE"),
            &[&owner_agent],
        )
        .map_err(storage)?
        .map(|r| profile_of(&r)))
}

pub fn profile_by_nick(conn: &mut PgConn, normalized: &str) -> StoreResult<Option<ProfileRow>> {
    Ok(conn
        .query_opt(
            &format!("SELECT {COLUMNS} FROM nick_profiles WHERE normalized_nick = $1"),
            &[&normalized],
        )
        .map_err(storage)?
        .map(|r| profile_of(&r)))
}

pub fn put_profile(conn: &mut PgConn, row: &ProfileRow) -> StoreResult<()> {
    conn.execute(
        &format!(
            "INSERT INTO nick_profiles ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (owner_agent) DO UPDATE SET user_id = excluded.user_id, \
             workspace_id = excluded.workspace_id, sa_id = excluded.sa_id, \
             nick = excluded.nick, normalized_nick = excluded.normalized_nick, \
             display_name = excluded.display_name, phone = excluded.phone, \
             email = excluded.email, created_at = excluded.created_at, \
             updated_at = excluded.updated_at"
        ),
        &[
            &row.owner_agent,
            &row.user_id,
            &row.workspace_id,
            &row.sa_id,
            &row.nick,
            &row.normalized_nick,
            &row.display_name,
            &row.phone,
            &row.email,
            &row.created_at,
            &row.updated_at,
        ],
    )
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Duplicate(Duplicate::Nick {
                nick: row.normalized_nick.clone(),
            })
        } else {
            storage(e)
        }
    })?;
    Ok(())
}
