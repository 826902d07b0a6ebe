//! Inbox threads and approval decisions (spec §8.5, §9.1) in PostgreSQL: the writer's half
//! (called from `tx.rs`) and the readers' half (called from `mod.rs`).

use postgres::Row;

use super::conn::{PgConn, storage};
use crate::server::store::{StoreResult, ThreadRow};

pub fn thread_of(r: &Row) -> ThreadRow {
    ThreadRow {
        thread_id: r.get(0),
        workspace_id: r.get(1),
        owner: r.get(2),
        updated_at: r.get(3),
        change_seq: r.get(4),
        body: r.get(5),
    }
}

pub fn thread(conn: &mut PgConn, thread_id: &str) -> StoreResult<Option<ThreadRow>> {
    Ok(conn
        .query_opt(
            "SELECT thread_id, workspace_id, owner_agent, updated_at, change_seq, body \
             FROM inbox_threads WHERE thread_id = $1 FOR UPDATE",
            &[&thread_id],
        )
        .map_err(storage)?
        .map(|r| thread_of(&r)))
}

/// Writes the thread at the end of the change feed. The number comes from the
/// `inbox_change` counter, whose row stays locked until this transaction commits: a later
/// number (any node's) commits later, so a reader of the feed never skips one.
pub fn put_thread(conn: &mut PgConn, row: &ThreadRow) -> StoreResult<i64> {
    let seq: i64 = conn
        .query_opt(
            "UPDATE counters SET value = value + 1 WHERE name = 'inbox_change' RETURNING value",
            &[],
        )
        .map_err(storage)?
        .map(|r| r.get(0))
        .ok_or_else(|| crate::server::store::StoreError::internal("no inbox_change counter"))?;
    conn.execute(
        "INSERT INTO inbox_threads \
         (thread_id, workspace_id, owner_agent, updated_at, change_seq, body) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (thread_id) DO UPDATE SET \
         workspace_id = excluded.workspace_id, owner_agent = excluded.owner_agent, \
         updated_at = excluded.updated_at, change_seq = excluded.change_seq, \
         body = excluded.body",
        &[
            &row.thread_id,
            &row.workspace_id,
            &row.owner,
            &row.updated_at,
            &seq,
            &row.body,
        ],
    )
    .map_err(storage)?;
    Ok(seq)
}

/// An approval decision: its workspace and JSON.
pub fn approval(conn: &mut PgConn, approval_id: &str) -> StoreResult<Option<(String, String)>> {
    Ok(conn
        .query_opt(
            "SELECT workspace_id, body FROM approvals WHERE approval_id = $1 FOR UPDATE",
            &[&approval_id],
        )
        .map_err(storage)?
        .map(|r| (r.get(0), r.get(1))))
}

/// Records a decision; false when the approval was decided before (nothing written).
pub fn put_approval(
    conn: &mut PgConn,
    approval_id: &str,
    workspace_id: &str,
    body: &str,
) -> StoreResult<bool> {
    let inserted = conn
        .execute(
            "INSERT INTO approvals (approval_id, workspace_id, body) VALUES ($1, $2, $3) \
         ON CONFLICT (approval_id) DO NOTHING",
            &[&approval_id, &workspace_id, &body],
        )
        .map_err(storage)?;
    Ok(inserted == 1)
}
