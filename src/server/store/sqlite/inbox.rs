//! Inbox threads and approval decisions (spec §8.5, §9.1) in SQLite: the writer's half
//! (called from `tx.rs`) and the readers' half (called from `mod.rs`).

use rusqlite::{Connection, OptionalExtension, params};

use crate::server::store::{InboxQuery, StoreResult, ThreadRow};

fn thread_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<ThreadRow> {
    Ok(ThreadRow {
        thread_id: r.get(0)?,
        workspace_id: r.get(1)?,
        owner: r.get(2)?,
        updated_at: r.get(3)?,
        change_seq: r.get(4)?,
        body: r.get(5)?,
    })
}

pub fn thread(conn: &Connection, thread_id: &str) -> StoreResult<Option<ThreadRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT thread_id, workspace_id, owner_agent, updated_at, change_seq, body \
             FROM inbox_threads WHERE thread_id = ?1",
        )?
        .query_row([thread_id], thread_of)
        .optional()?)
}

/// Writes the thread at the end of the change feed (the writer is the only one, so the
/// next number is simply one past the highest); returns its `change_seq`.
pub fn put_thread(conn: &Connection, row: &ThreadRow) -> StoreResult<i64> {
    let seq: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(change_seq), 0) + 1 FROM inbox_threads")?
        .query_row([], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO inbox_threads \
         (thread_id, workspace_id, owner_agent, updated_at, change_seq, body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (thread_id) DO UPDATE SET \
         workspace_id = excluded.workspace_id, owner_agent = excluded.owner_agent, \
         updated_at = excluded.updated_at, change_seq = excluded.change_seq, \
         body = excluded.body",
    )?
    .execute(params![
        row.thread_id,
        row.workspace_id,
        row.owner,
        row.updated_at,
        seq,
        row.body
    ])?;
    Ok(seq)
}

/// The owner's threads, most recently changed first.
pub fn threads(
    conn: &Connection,
    workspace_id: &str,
    owner: &str,
) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT body FROM inbox_threads WHERE workspace_id = ?1 AND owner_agent = ?2 \
         ORDER BY change_seq DESC LIMIT 200",
    )?
    .query_map([workspace_id, owner], |r| r.get(0))?
    .collect()
}

/// The owner's threads changed after `after`, in change order.
pub fn changes(conn: &Connection, q: &InboxQuery) -> rusqlite::Result<Vec<ThreadRow>> {
    conn.prepare_cached(
        "SELECT thread_id, workspace_id, owner_agent, updated_at, change_seq, body \
         FROM inbox_threads WHERE workspace_id = ?1 AND owner_agent = ?2 AND change_seq > ?3 \
         ORDER BY change_seq LIMIT ?4",
    )?
    .query_map(
        params![q.workspace_id, q.owner, q.after, q.limit],
        thread_of,
    )?
    .collect()
}

pub fn read_thread(conn: &Connection, thread_id: &str) -> rusqlite::Result<Option<ThreadRow>> {
    conn.prepare_cached(
        "SELECT thread_id, workspace_id, owner_agent, updated_at, change_seq, body \
         FROM inbox_threads WHERE thread_id = ?1",
    )?
    .query_row([thread_id], thread_of)
    .optional()
}

/// An approval decision: its workspace and JSON.
pub fn approval(conn: &Connection, approval_id: &str) -> StoreResult<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT workspace_id, body FROM approvals WHERE approval_id = ?1")?
        .query_row([approval_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Records a decision; false when the approval was decided before (nothing written).
pub fn put_approval(
    conn: &Connection,
    approval_id: &str,
    workspace_id: &str,
    body: &str,
) -> StoreResult<bool> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO approvals (approval_id, workspace_id, body) VALUES (?1, ?2, ?3) \
         ON CONFLICT (approval_id) DO NOTHING",
        )?
        .execute(params![approval_id, workspace_id, body])?;
    Ok(inserted == 1)
}
