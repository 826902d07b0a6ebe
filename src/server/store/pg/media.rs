//! Media uploads (`store::media`) in PostgreSQL; called from `tx.rs` inside the writer's
//! transaction. An upload read to be changed is locked (`FOR UPDATE`).

use super::conn::{PgConn, storage};
use crate::server::store::StoreResult;
use crate::server::store::media::MediaRow;

const COLUMNS: &str = "upload_id, workspace_id, owner_agent, filename, mime_type, size_bytes, \
                       declared_sha256, received_bytes, sha256, status, object_path, \
                       created_at, expires_at, finalized_at";

pub fn media(conn: &mut PgConn, upload_id: &str) -> StoreResult<Option<MediaRow>> {
    Ok(conn
        .query_opt(
            &format!("SELECT {COLUMNS} FROM media_uploads WHERE upload_id = $1 FOR UPDATE"),
            &[&upload_id],
        )
        .map_err(storage)?
        .map(|r| MediaRow {
            upload_id: r.get(0),
            workspace_id: r.get(1),
            owner_agent: r.get(2),
            filename: r.get(3),
            mime_type: r.get(4),
            size_bytes: r.get(5),
            declared_sha256: r.get(6),
            received_bytes: r.get(7),
            sha256: r.get(8),
            status: r.get(9),
            object_path: r.get(10),
            created_at: r.get(11),
            expires_at: r.get(12),
            finalized_at: r.get(13),
        }))
}

pub fn put_media(conn: &mut PgConn, row: &MediaRow) -> StoreResult<()> {
    conn.execute(
        &format!(
            "INSERT INTO media_uploads ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (upload_id) DO UPDATE SET workspace_id = excluded.workspace_id, \
             owner_agent = excluded.owner_agent, filename = excluded.filename, \
             mime_type = excluded.mime_type, size_bytes = excluded.size_bytes, \
             declared_sha256 = excluded.declared_sha256, \
             received_bytes = excluded.received_bytes, sha256 = excluded.sha256, \
             status = excluded.status, object_path = excluded.object_path, \
             created_at = excluded.created_at, expires_at = excluded.expires_at, \
             finalized_at = excluded.finalized_at"
        ),
        &[
            &row.upload_id,
            &row.workspace_id,
            &row.owner_agent,
            &row.filename,
            &row.mime_type,
            &row.size_bytes,
            &row.declared_sha256,
            &row.received_bytes,
            &row.sha256,
            &row.status,
            &row.object_path,
            &row.created_at,
            &row.expires_at,
            &row.finalized_at,
        ],
    )
    .map_err(storage)?;
    Ok(())
}
