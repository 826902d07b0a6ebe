//! SQL of the agent mesh on PostgreSQL (migration 6): heartbeats and kills upsert one row
//! per address; kills and resumes also append an event. Changes run on the writer, reads
//! on the readers.

use tokio_postgres::Row;

use super::conn::{PgConn, storage};
use super::reads::Readers;
use crate::server::store::StoreResult;
use crate::server::store::mesh::{
    HeartbeatRow, KillChange, MeshAgentRow, MeshEventQuery, MeshEventRow,
};

pub fn heartbeat(conn: &mut PgConn, row: &HeartbeatRow) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO mesh_agents (address, workspace_id, last_heartbeat_at, metrics) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (address) DO UPDATE SET \
             last_heartbeat_at = excluded.last_heartbeat_at, \
             metrics = COALESCE(excluded.metrics, mesh_agents.metrics)",
        &[&row.address, &row.workspace_id, &row.at, &row.metrics],
    )
    .map_err(storage)?;
    Ok(())
}

pub fn set_killed(conn: &mut PgConn, change: &KillChange) -> StoreResult<()> {
    let e = &change.event;
    let (at, by) = if change.killed {
        (Some(e.created_at.as_str()), Some(e.actor.as_str()))
    } else {
        (None, None)
    };
    conn.execute(
        "INSERT INTO mesh_agents (address, workspace_id, killed_at, killed_by) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (address) DO UPDATE SET \
             killed_at = excluded.killed_at, killed_by = excluded.killed_by",
        &[&e.address, &e.workspace_id, &at, &by],
    )
    .map_err(storage)?;
    conn.execute(
        "INSERT INTO mesh_events \
             (event_id, workspace_id, address, event_type, details, actor, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &e.event_id,
            &e.workspace_id,
            &e.address,
            &e.event_type,
            &e.details,
            &e.actor,
            &e.created_at,
        ],
    )
    .map_err(storage)?;
    Ok(())
}

pub async fn agents(
    readers: &Readers,
    workspace_id: Option<&str>,
) -> StoreResult<Vec<MeshAgentRow>> {
    let rows = readers
        .query(
            "SELECT address, workspace_id, last_heartbeat_at, metrics, killed_at, killed_by \
             FROM mesh_agents WHERE $1::TEXT IS NULL OR workspace_id = $1 ORDER BY address",
            &[&workspace_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r: &Row| MeshAgentRow {
            address: r.get(0),
            workspace_id: r.get(1),
            last_heartbeat_at: r.get(2),
            metrics: r.get(3),
            killed_at: r.get(4),
            killed_by: r.get(5),
        })
        .collect())
}

pub async fn events(readers: &Readers, q: &MeshEventQuery) -> StoreResult<Vec<MeshEventRow>> {
    let limit = i64::from(q.limit);
    let rows = readers
        .query(
            "SELECT event_id, workspace_id, address, event_type, details, actor, created_at \
             FROM mesh_events \
             WHERE workspace_id = $1 AND ($2::TEXT IS NULL OR address = $2) \
               AND ($3::TEXT IS NULL OR event_type = $3) \
             ORDER BY id DESC LIMIT $4",
            &[&q.workspace_id, &q.address, &q.event_type, &limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r: &Row| MeshEventRow {
            event_id: r.get(0),
            workspace_id: r.get(1),
            address: r.get(2),
            event_type: r.get(3),
            details: r.get(4),
            actor: r.get(5),
            created_at: r.get(6),
        })
        .collect())
}

pub async fn intents_received_since(
    readers: &Readers,
    workspace_id: &str,
    since: &str,
) -> StoreResult<Vec<(String, u64)>> {
    let rows = readers
        .query(
            "SELECT to_agent, COUNT(*) FROM intents \
             WHERE to_workspace_id = $1 AND created_at >= $2 GROUP BY to_agent",
            &[&workspace_id, &since],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r: &Row| {
            let n: i64 = r.get(1);
            (r.get(0), crate::num::u64_from_i64(n))
        })
        .collect())
}
