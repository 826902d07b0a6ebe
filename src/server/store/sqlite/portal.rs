//! SQL of the portal API: people's profiles, and the workspace usage its overview counts.

use rusqlite::{Connection, OptionalExtension, params};

use crate::server::store::auth::ProfileRow;

pub fn upsert_profile(conn: &Connection, row: &ProfileRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO user_profiles (user_id, display_name, company, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name,
             company = excluded.company, updated_at = excluded.updated_at",
        params![row.user_id, row.display_name, row.company, row.updated_at],
    )?;
    Ok(())
}

pub fn profile(conn: &Connection, user_id: &str) -> rusqlite::Result<Option<ProfileRow>> {
    conn.query_row(
        "SELECT user_id, display_name, company, updated_at FROM user_profiles WHERE user_id = ?1",
        [user_id],
        |r| {
            Ok(ProfileRow {
                user_id: r.get(0)?,
                display_name: r.get(1)?,
                company: r.get(2)?,
                updated_at: r.get(3)?,
            })
        },
    )
    .optional()
}

/// Intents the workspace's accounts created at or after `since` (the wire form sorts as
/// text, so the comparison is one of times).
pub fn intents_created_since(
    conn: &Connection,
    workspace_id: &str,
    since: &str,
) -> rusqlite::Result<u64> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM intents WHERE workspace_id = ?1 AND created_at >= ?2",
        )?
        .query_row(params![workspace_id, since], |r| r.get(0))?;
    Ok(crate::num::u64_from_i64(n))
}
