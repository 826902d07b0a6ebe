//! Queries run on reader connections (WAL: they see the last commit, never a partial one).

use rusqlite::{Connection, OptionalExtension, Row, params_from_iter, types::Value as SqlValue};

use crate::protocol::Status;
use crate::protocol::access::{Role, Scopes};
use crate::server::store::filter::{self, Dialect, status_list};
use crate::server::store::{
    AccountRow, DeliveryQuery, DirectorySnapshot, IntentMeta, IntentRow, KeyRow, ListPage,
    ListQuery, OrgRow, WorkspaceRow,
};

pub const KEY_COLUMNS: &str =
    "key_id, sa_id, secret_hash, key_hint, status, created_at, expires_at, revoked_at, scopes";

const INTENT_COLUMNS: &str =
    "id, workspace_id, to_workspace_id, sender_sa_id, status, delivery_cursor, body, to_agent";

pub fn key_row(r: &Row<'_>) -> rusqlite::Result<KeyRow> {
    let hash: Vec<u8> = r.get(2)?;
    let mut secret_hash = [0u8; 32];
    if hash.len() == 32 {
        secret_hash.copy_from_slice(&hash);
    }
    Ok(KeyRow {
        key_id: r.get(0)?,
        sa_id: r.get(1)?,
        secret_hash,
        key_hint: r.get(3)?,
        status: r.get(4)?,
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
        revoked_at: r.get(7)?,
        scopes: Scopes::from_stored(r.get::<_, Option<String>>(8)?.as_deref()),
    })
}

/// Reads an intent row selected with [`INTENT_COLUMNS`]; returns its position too.
fn intent_row(r: &Row<'_>) -> rusqlite::Result<(i64, IntentRow)> {
    let status: String = r.get(4)?;
    let status = status.parse::<Status>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok((
        r.get(0)?,
        IntentRow {
            meta: IntentMeta {
                workspace_id: r.get(1)?,
                to_workspace_id: r.get(2)?,
                sender_sa_id: r.get(3)?,
                to_agent: r.get(7)?,
            },
            status,
            delivery_cursor: crate::num::u64_from_i64(r.get::<_, i64>(5)?),
            json: r.get(6)?,
        },
    ))
}

pub fn get_intent(
    conn: &Connection,
    intent_id: &str,
) -> rusqlite::Result<Option<(i64, IntentRow)>> {
    conn.prepare_cached(&format!(
        "SELECT {INTENT_COLUMNS} FROM intents WHERE intent_id = ?1"
    ))?
    .query_row([intent_id], intent_row)
    .optional()
}

pub fn events_after(
    conn: &Connection,
    intent_id: &str,
    since: u64,
) -> rusqlite::Result<Option<(IntentRow, Vec<String>)>> {
    let Some((rowid, row)) = get_intent(conn, intent_id)? else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT body FROM intent_events WHERE intent_rowid = ?1 AND seq > ?2 ORDER BY seq",
    )?;
    let events = stmt
        .query_map(
            rusqlite::params![rowid, crate::num::i64_from_u64(since)],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(Some((row, events)))
}

/// How SQLite writes a list filter's dialect parts (`?n` placeholders, `json_extract`).
const DIALECT: Dialect = Dialect {
    placeholder: |n| format!("?{n}"),
    intent_type: "json_extract(body, '$.intent_type')",
    starts_with: |column, n| format!("substr({column}, 1, length({n})) = {n}"),
    body_contains: |n| format!("instr(lower(body), lower({n})) > 0"),
};

/// [`filter::list_filter`] with SQLite's arguments.
fn list_filter(q: &ListQuery, with_statuses: bool) -> (String, Vec<SqlValue>) {
    let (sql, texts) = filter::list_filter(q, with_statuses, &DIALECT);
    (sql, texts.into_iter().map(SqlValue::Text).collect())
}

pub fn list_intents(conn: &Connection, q: &ListQuery) -> rusqlite::Result<ListPage> {
    let (filter, mut args) = list_filter(q, true);
    let mut sql = format!("SELECT {INTENT_COLUMNS} FROM intents WHERE {filter}");
    if let Some(before) = q.before {
        args.push(SqlValue::Integer(before));
        sql.push_str(&format!(" AND id < ?{}", args.len()));
    }
    args.push(SqlValue::Integer(i64::from(q.limit)));
    sql.push_str(&format!(" ORDER BY id DESC LIMIT ?{}", args.len()));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args), intent_row)?
        .map(|r| r.map(|(pos, row)| (pos, row.json)))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ListPage { rows })
}

/// Intents per status; every filter of `q` but its statuses applies.
pub fn count_intents(conn: &Connection, q: &ListQuery) -> rusqlite::Result<Vec<(String, u64)>> {
    let (filter, args) = list_filter(q, false);
    let sql = format!(
        "SELECT status, COUNT(*) FROM intents WHERE {filter} GROUP BY status ORDER BY status"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_map(params_from_iter(args), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.unsigned_abs()))
    })?
    .collect()
}

pub fn deliveries(conn: &Connection, q: &DeliveryQuery) -> rusqlite::Result<Vec<IntentRow>> {
    let mut sql = format!(
        "SELECT {INTENT_COLUMNS} FROM intents WHERE to_agent = ?1 AND delivery_cursor > ?2"
    );
    if !q.statuses.is_empty() {
        sql.push_str(&format!(" AND status IN ({})", status_list(&q.statuses)));
    }
    sql.push_str(" ORDER BY delivery_cursor LIMIT ?3");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(
            rusqlite::params![
                q.address,
                crate::num::i64_from_u64(q.after_cursor),
                i64::from(q.limit)
            ],
            intent_row,
        )?
        .map(|r| r.map(|(_, row)| row))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn load_directory(conn: &Connection) -> rusqlite::Result<DirectorySnapshot> {
    let orgs = conn
        .prepare("SELECT org_id, slug, created_at FROM orgs")?
        .query_map([], |r| {
            Ok(OrgRow {
                org_id: r.get(0)?,
                slug: r.get(1)?,
                created_at: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let workspaces = conn
        .prepare("SELECT workspace_id, org_id, slug, created_at FROM workspaces")?
        .query_map([], |r| {
            Ok(WorkspaceRow {
                workspace_id: r.get(0)?,
                org_id: r.get(1)?,
                slug: r.get(2)?,
                created_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let accounts = conn
        .prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM service_accounts ORDER BY created_at, sa_id"
        ))?
        .query_map([], account_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let keys = conn
        .prepare(&format!("SELECT {KEY_COLUMNS} FROM api_keys"))?
        .query_map([], key_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(DirectorySnapshot {
        orgs,
        workspaces,
        accounts,
        keys,
    })
}

/// The columns [`account_row`] reads, in its order.
pub(super) const ACCOUNT_COLUMNS: &str = "sa_id, org_id, workspace_id, name, display_name, \
     description, status, role, created_at, updated_at";

/// One `service_accounts` row selected with [`ACCOUNT_COLUMNS`].
pub(super) fn account_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        sa_id: r.get(0)?,
        org_id: r.get(1)?,
        workspace_id: r.get(2)?,
        name: r.get(3)?,
        display_name: r.get(4)?,
        description: r.get(5)?,
        status: r.get(6)?,
        role: r.get::<_, String>(7)?.parse().unwrap_or(Role::Agent),
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}
