//! SQL of the portal API on PostgreSQL: people's profiles, the workspace usage its overview
//! counts, and the CLI's browser sign-in grants.

use super::conn::{PgConn, storage};
use super::reads::Readers;
use crate::server::store::StoreResult;
use crate::server::store::auth::{CliGrantRow, GrantStep, ProfileRow};

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

const GRANT_COLUMNS: &str =
    "grant_id, user_code, state, email, client, expires_at, created_at, updated_at";

fn grant_from(r: &tokio_postgres::Row) -> CliGrantRow {
    CliGrantRow {
        grant_id: r.get(0),
        user_code: r.get(1),
        state: r.get(2),
        email: r.get(3),
        client: r.get(4),
        expires_at: r.get(5),
        created_at: r.get(6),
        updated_at: r.get(7),
    }
}

pub fn insert_cli_grant(conn: &mut PgConn, row: &CliGrantRow) -> StoreResult<()> {
    conn.execute(
        &format!(
            "INSERT INTO cli_grants ({GRANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ),
        &[
            &row.grant_id,
            &row.user_code,
            &row.state,
            &row.email,
            &row.client,
            &row.expires_at,
            &row.created_at,
            &row.updated_at,
        ],
    )
    .map_err(storage)?;
    Ok(())
}

pub async fn cli_grant(readers: &Readers, grant_id: &str) -> StoreResult<Option<CliGrantRow>> {
    Ok(readers
        .query_opt(
            &format!("SELECT {GRANT_COLUMNS} FROM cli_grants WHERE grant_id = $1"),
            &[&grant_id],
        )
        .await?
        .as_ref()
        .map(grant_from))
}

/// The step as one UPDATE guarded by the state and the expiry (the row lock orders two
/// nodes' polls: the second finds it moved).
pub fn step_cli_grant(conn: &mut PgConn, step: &GrantStep) -> StoreResult<Option<CliGrantRow>> {
    let rows = conn
        .query(
            &format!(
                "UPDATE cli_grants SET state = $3, email = COALESCE($4, email), updated_at = $5 \
                 WHERE grant_id = $1 AND state = $2 AND expires_at > $6 RETURNING {GRANT_COLUMNS}"
            ),
            &[
                &step.grant_id,
                &step.from,
                &step.to,
                &step.email,
                &step.at,
                &step.now,
            ],
        )
        .map_err(storage)?;
    Ok(rows.first().map(grant_from))
}
