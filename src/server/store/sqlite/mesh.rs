//! SQL of the agent mesh (tables of migration 8): heartbeats and kills upsert one row per
//! address; kills and resumes also append an event. Changes run on the writer, reads on
//! reader connections.

use rusqlite::{Connection, params};

use crate::server::store::mesh::{
    HeartbeatRow, KillChange, MeshAgentRow, MeshEventQuery, MeshEventRow,
};

pub fn heartbeat(conn: &Connection, row: &HeartbeatRow) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO mesh_agents (address, workspace_id, last_heartbeat_at, metrics)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (address) DO UPDATE SET
             last_heartbeat_at = excluded.last_heartbeat_at,
             metrics = COALESCE(excluded.metrics, mesh_agents.metrics)",
    )?
    .execute(params![row.address, row.workspace_id, row.at, row.metrics])?;
    Ok(())
}

pub fn set_killed(conn: &Connection, change: &KillChange) -> rusqlite::Result<()> {
    let e = &change.event;
    let (at, by) = if change.killed {
        (Some(e.created_at.as_str()), Some(e.actor.as_str()))
    } else {
        (None, None)
    };
    conn.execute(
        "INSERT INTO mesh_agents (address, workspace_id, killed_at, killed_by)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (address) DO UPDATE SET
             killed_at = excluded.killed_at, killed_by = excluded.killed_by",
        params![e.address, e.workspace_id, at, by],
    )?;
    conn.execute(
        "INSERT INTO mesh_events
             (event_id, workspace_id, address, event_type, details, actor, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            e.event_id,
            e.workspace_id,
            e.address,
            e.event_type,
            e.details,
            e.actor,
            e.created_at
        ],
    )?;
    Ok(())
}

pub fn agents(
    conn: &Connection,
    workspace_id: Option<&str>,
) -> rusqlite::Result<Vec<MeshAgentRow>> {
    conn.prepare_cached(
        "SELECT address, workspace_id, last_heartbeat_at, metrics, killed_at, killed_by
         FROM mesh_agents WHERE ?1 IS NULL OR workspace_id = ?1 ORDER BY address",
    )?
    .query_map([workspace_id], |r| {
        Ok(MeshAgentRow {
            address: r.get(0)?,
            workspace_id: r.get(1)?,
            last_heartbeat_at: r.get(2)?,
            metrics: r.get(3)?,
            killed_at: r.get(4)?,
            killed_by: r.get(5)?,
        })
    })?
    .collect()
}

pub fn events(conn: &Connection, q: &MeshEventQuery) -> rusqlite::Result<Vec<MeshEventRow>> {
    conn.prepare_cached(
        "SELECT event_id, workspace_id, address, event_type, details, actor, created_at
         FROM mesh_events
         WHERE workspace_id = ?1 AND (?2 IS NULL OR address = ?2)
           AND (?3 IS NULL OR event_type = ?3)
         ORDER BY id DESC LIMIT ?4",
    )?
    .query_map(
        params![q.workspace_id, q.address, q.event_type, q.limit],
        |r| {
            Ok(MeshEventRow {
                event_id: r.get(0)?,
                workspace_id: r.get(1)?,
                address: r.get(2)?,
                event_type: r.get(3)?,
                details: r.get(4)?,
                actor: r.get(5)?,
                created_at: r.get(6)?,
            })
        },
    )?
    .collect()
}

pub fn intents_received_since(
    conn: &Connection,
    workspace_id: &str,
    since: &str,
) -> rusqlite::Result<Vec<(String, u64)>> {
    conn.prepare_cached(
        "SELECT to_agent, COUNT(*) FROM intents
         WHERE to_workspace_id = ?1 AND created_at >= ?2 GROUP BY to_agent",
    )?
    .query_map(params![workspace_id, since], |r| {
        Ok((r.get(0)?, crate::num::u64_from_i64(r.get(1)?)))
    })?
    .collect()
}
