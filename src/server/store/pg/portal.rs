//! SQL of the portal API on PostgreSQL: people's profiles, and the workspace usage its
//! overview counts.

use super::conn::{PgConn, storage};
use super::reads::Readers;
use crate::server::store::StoreResult;
use crate::server::store::auth::ProfileRow;

pub fn upsert_profile(conn: &mut PgConn, row: &ProfileRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO user_profiles (user_id, display_name, company, updated_at) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, \
             company = EXCLUDED.company, updated_at = EXCLUDED.updated_at",
        &[
            &row.user_id,
            &row.display_name,
            &row.company,
            &row.updated_at,
        ],
    )
    .map_err(storage)?;
    Ok(())
}

pub async fn profile(readers: &Readers, user_id: &str) -> StoreResult<Option<ProfileRow>> {
    Ok(readers
        .query_opt(
            "SELECT user_id, display_name, company, updated_at FROM user_profiles \
             WHERE user_id = $1",
            &[&user_id],
        )
        .await?
        .map(|r| ProfileRow {
            user_id: r.get(0),
            display_name: r.get(1),
            company: r.get(2),
            updated_at: r.get(3),
        }))
}

/// Intents the workspace's accounts created at or after `since` (the wire form sorts as
/// text, so the comparison is one of times).
pub async fn intents_created_since(
    readers: &Readers,
    workspace_id: &str,
    since: &str,
) -> StoreResult<u64> {
    let n: i64 = readers
        .query_opt(
            "SELECT COUNT(*) FROM intents WHERE workspace_id = $1 AND created_at >= $2",
            &[&workspace_id, &since],
        )
        .await?
        .map_or(0, |r| r.get(0));
    Ok(crate::num::u64_from_i64(n))
}
