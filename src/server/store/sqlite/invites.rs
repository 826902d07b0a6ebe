//! Invites (`store::invites`) in SQLite; called from `tx.rs` inside the writer's
//! transaction.

use rusqlite::{Connection, OptionalExtension, params};

use crate::server::store::StoreResult;
use crate::server::store::invites::InviteRow;

const COLUMNS: &str = "token_hash, workspace_id, owner_agent, recipient_hint, created_at, \
                       expires_at, accepted_at, accepted_owner_agent, accepted_sa_id, nick";

pub fn invite(conn: &Connection, token_hash: &str) -> StoreResult<Option<InviteRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM invites WHERE token_hash = ?1"
        ))?
        .query_row([token_hash], |r| {
            Ok(InviteRow {
                token_hash: r.get(0)?,
                workspace_id: r.get(1)?,
                owner_agent: r.get(2)?,
                recipient_hint: r.get(3)?,
                created_at: r.get(4)?,
                expires_at: r.get(5)?,
                accepted_at: r.get(6)?,
                accepted_owner_agent: r.get(7)?,
                accepted_sa_id: r.get(8)?,
                nick: r.get(9)?,
            })
        })
        .optional()?)
}

pub fn put_invite(conn: &Connection, row: &InviteRow) -> StoreResult<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO invites ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT (token_hash) DO UPDATE SET workspace_id = excluded.workspace_id, \
         owner_agent = excluded.owner_agent, recipient_hint = excluded.recipient_hint, \
         created_at = excluded.created_at, expires_at = excluded.expires_at, \
         accepted_at = excluded.accepted_at, \
         accepted_owner_agent = excluded.accepted_owner_agent, \
         accepted_sa_id = excluded.accepted_sa_id, nick = excluded.nick"
    ))?
    .execute(params![
        row.token_hash,
        row.workspace_id,
        row.owner_agent,
        row.recipient_hint,
        row.created_at,
        row.expires_at,
        row.accepted_at,
        row.accepted_owner_agent,
        row.accepted_sa_id,
        row.nick
    ])?;
    Ok(())
}
