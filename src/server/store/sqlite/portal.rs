//! SQL of the portal API: people's profiles, the workspace usage its overview counts, and
//! the CLI's browser sign-in grants.

use rusqlite::{Connection, OptionalExtension, params};

use crate::server::store::auth::{CliGrantRow, GrantStep, ProfileRow};

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

const GRANT_COLUMNS: &str =
    "grant_id, user_code, state, email, client, expires_at, created_at, updated_at";

fn grant_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<CliGrantRow> {
    Ok(CliGrantRow {
        grant_id: r.get(0)?,
        user_code: r.get(1)?,
        state: r.get(2)?,
        email: r.get(3)?,
        client: r.get(4)?,
        expires_at: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

pub fn insert_cli_grant(conn: &Connection, row: &CliGrantRow) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO cli_grants ({GRANT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        ),
        params![
            row.grant_id,
            row.user_code,
            row.state,
            row.email,
            row.client,
            row.expires_at,
            row.created_at,
            row.updated_at
        ],
    )?;
    Ok(())
}

pub fn cli_grant(conn: &Connection, grant_id: &str) -> rusqlite::Result<Option<CliGrantRow>> {
    conn.query_row(
        &format!("SELECT {GRANT_COLUMNS} FROM cli_grants WHERE grant_id = ?1"),
        [grant_id],
        grant_from,
    )
    .optional()
}

/// The step as one UPDATE guarded by the state and the expiry, then the row as it now is.
pub fn step_cli_grant(
    conn: &Connection,
    step: &GrantStep,
) -> rusqlite::Result<Option<CliGrantRow>> {
    let moved = conn.execute(
        "UPDATE cli_grants SET state = ?3, email = COALESCE(?4, email), updated_at = ?5
         WHERE grant_id = ?1 AND state = ?2 AND expires_at > ?6",
        params![
            step.grant_id,
            step.from,
            step.to,
            step.email,
            step.at,
            step.now
        ],
    )?;
    if moved == 0 {
        return Ok(None);
    }
    cli_grant(conn, &step.grant_id)
}
