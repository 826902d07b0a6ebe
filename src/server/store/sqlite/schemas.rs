//! The semantic schema registry (`store::schemas`) in SQLite; called from `tx.rs` inside
//! the writer's transaction.

use rusqlite::{Connection, OptionalExtension, params};

use crate::server::store::StoreResult;
use crate::server::store::schemas::SchemaRow;

const COLUMNS: &str = "workspace_id, semantic_type, schema_ref, schema_hash, \
                       compatibility_mode, scope, owner_agent, active, schema_json, \
                       created_at, updated_at";

fn schema_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<SchemaRow> {
    Ok(SchemaRow {
        workspace_id: r.get(0)?,
        semantic_type: r.get(1)?,
        schema_ref: r.get(2)?,
        schema_hash: r.get(3)?,
        compatibility_mode: r.get(4)?,
        scope: r.get(5)?,
        owner_agent: r.get(6)?,
        active: r.get::<_, i64>(7)? != 0,
        schema_json: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub fn schema(
    conn: &Connection,
    workspace_id: &str,
    semantic_type: &str,
) -> StoreResult<Option<SchemaRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM semantic_schemas \
             WHERE workspace_id = ?1 AND semantic_type = ?2"
        ))?
        .query_row([workspace_id, semantic_type], schema_of)
        .optional()?)
}

pub fn core_schema(conn: &Connection, semantic_type: &str) -> StoreResult<Option<SchemaRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM semantic_schemas \
             WHERE semantic_type = ?1 AND scope = 'core' AND active = 1 \
             ORDER BY updated_at DESC, workspace_id LIMIT 1"
        ))?
        .query_row([semantic_type], schema_of)
        .optional()?)
}

pub fn put_schema(conn: &Connection, row: &SchemaRow) -> StoreResult<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO semantic_schemas ({COLUMNS}) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
         ON CONFLICT (workspace_id, semantic_type) DO UPDATE SET \
         schema_ref = excluded.schema_ref, schema_hash = excluded.schema_hash, \
         compatibility_mode = excluded.compatibility_mode, scope = excluded.scope, \
         owner_agent = excluded.owner_agent, active = excluded.active, \
         schema_json = excluded.schema_json, created_at = excluded.created_at, \
         updated_at = excluded.updated_at"
    ))?
    .execute(params![
        row.workspace_id,
        row.semantic_type,
        row.schema_ref,
        row.schema_hash,
        row.compatibility_mode,
        row.scope,
        row.owner_agent,
        i64::from(row.active),
        row.schema_json,
        row.created_at,
        row.updated_at
    ])?;
    Ok(())
}
