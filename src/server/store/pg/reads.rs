//! Reads on async connections. A tokio-postgres client pipelines the queries of many tasks
//! over one connection, so a node keeps a few clients and spreads reads over them, with
//! each statement prepared once per connection. A lost connection is replaced on the
//! next read.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement};

use super::connect::PgSettings;
use crate::protocol::Status;
use crate::protocol::access::{Role, Scopes};
use crate::server::store::filter::{self, Dialect};
use crate::server::store::{
    AccountRow, DeliveryQuery, DirectorySnapshot, IntentMeta, IntentRow, KeyRow, ListPage,
    ListQuery, OrgRow, WorkspaceRow,
};
use crate::server::store::{StoreError, StoreResult};

pub const KEY_COLUMNS: &str =
    "key_id, sa_id, secret_hash, key_hint, status, created_at, expires_at, revoked_at, scopes";

pub const ACCOUNT_COLUMNS: &str = "sa_id, org_id, workspace_id, name, display_name, \
     description, status, role, created_at, updated_at";

const INTENT_COLUMNS: &str =
    "id, workspace_id, to_workspace_id, sender_sa_id, status, delivery_cursor, body, to_agent";

pub fn key_row(r: &Row) -> KeyRow {
    let hash: Vec<u8> = r.get(2);
    let mut secret_hash = [0u8; 32];
    if hash.len() == 32 {
        secret_hash.copy_from_slice(&hash);
    }
    KeyRow {
        key_id: r.get(0),
        sa_id: r.get(1),
        secret_hash,
        key_hint: r.get(3),
        status: r.get(4),
        created_at: r.get(5),
        expires_at: r.get(6),
        revoked_at: r.get(7),
        scopes: Scopes::from_stored(r.get::<_, Option<&str>>(8)),
    }
}

pub fn account_row(r: &Row) -> AccountRow {
    AccountRow {
        sa_id: r.get(0),
        org_id: r.get(1),
        workspace_id: r.get(2),
        name: r.get(3),
        display_name: r.get(4),
        description: r.get(5),
        status: r.get(6),
        role: r.get::<_, &str>(7).parse().unwrap_or(Role::Agent),
        created_at: r.get(8),
        updated_at: r.get(9),
    }
}

fn intent_row(r: &Row) -> StoreResult<(i64, IntentRow)> {
    let status: &str = r.get(4);
    let status = status
        .parse::<Status>()
        .map_err(|e| StoreError::internal(format!("stored status is unreadable: {e}")))?;
    let cursor: i64 = r.get(5);
    Ok((
        r.get(0),
        IntentRow {
            meta: IntentMeta {
                workspace_id: r.get(1),
                to_workspace_id: r.get(2),
                sender_sa_id: r.get(3),
                to_agent: r.get(7),
            },
            status,
            delivery_cursor: u64::try_from(cursor).unwrap_or(0),
            json: r.get(6),
        },
    ))
}

fn read_error(e: tokio_postgres::Error) -> StoreError {
    if e.is_closed() {
        return StoreError::Unavailable("the database connection was lost; retry".into());
    }
    StoreError::Backend(e.to_string())
}

struct ReadConn {
    client: tokio_postgres::Client,
    statements: Mutex<HashMap<String, Statement>>,
}

/// A few pipelined async connections.
pub struct Readers {
    settings: PgSettings,
    slots: Vec<tokio::sync::Mutex<Option<Arc<ReadConn>>>>,
    next: AtomicUsize,
}

impl Readers {
    pub fn new(settings: PgSettings, connections: usize) -> Self {
        Readers {
            settings,
            slots: (0..connections.max(1))
                .map(|_| tokio::sync::Mutex::new(None))
                .collect(),
            next: AtomicUsize::new(0),
        }
    }

    async fn conn(&self) -> StoreResult<Arc<ReadConn>> {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
        let mut slot = self.slots[index].lock().await;
        if let Some(conn) = slot.as_ref()
            && !conn.client.is_closed()
        {
            return Ok(conn.clone());
        }
        let client = self.settings.connect().await.map_err(|e| {
            tracing::error!(error = %e, "cannot reach PostgreSQL");
            StoreError::Unavailable("the database cannot be reached; retry".into())
        })?;
        let conn = Arc::new(ReadConn {
            client,
            statements: Mutex::new(HashMap::new()),
        });
        *slot = Some(conn.clone());
        Ok(conn)
    }

    pub async fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> StoreResult<Vec<Row>> {
        let conn = self.conn().await?;
        let cached = conn
            .statements
            .lock()
            .ok()
            .and_then(|m| m.get(sql).cloned());
        let statement = match cached {
            Some(s) => s,
            None => {
                let s = conn.client.prepare(sql).await.map_err(read_error)?;
                if let Ok(mut m) = conn.statements.lock() {
                    m.insert(sql.to_string(), s.clone());
                }
                s
            }
        };
        conn.client
            .query(&statement, params)
            .await
            .map_err(read_error)
    }

    pub async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> StoreResult<Option<Row>> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    pub async fn get_intent(&self, intent_id: &str) -> StoreResult<Option<IntentRow>> {
        let row = self
            .query_opt(
                &format!("SELECT {INTENT_COLUMNS} FROM intents WHERE intent_id = $1"),
                &[&intent_id],
            )
            .await?;
        row.map(|r| intent_row(&r).map(|(_, row)| row)).transpose()
    }

    /// The row and its events after `since`, read in one statement (one snapshot).
    pub async fn events_after(
        &self,
        intent_id: &str,
        since: u64,
    ) -> StoreResult<Option<(IntentRow, Vec<String>)>> {
        let since = i64::try_from(since).unwrap_or(i64::MAX);
        let row = self
            .query_opt(
                &format!(
                    "SELECT {INTENT_COLUMNS}, ARRAY(SELECT e.body FROM intent_events e \
                     WHERE e.intent_rowid = intents.id AND e.seq > $2 ORDER BY e.seq) \
                     FROM intents WHERE intent_id = $1"
                ),
                &[&intent_id, &since],
            )
            .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let (_, intent) = intent_row(&r)?;
        Ok(Some((intent, r.get(8))))
    }

    pub async fn list_intents(&self, q: &ListQuery) -> StoreResult<ListPage> {
        let (filter, texts) = list_filter(q, true);
        let mut params: Vec<&(dyn ToSql + Sync)> =
            texts.iter().map(|t| t as &(dyn ToSql + Sync)).collect();
        let mut sql = format!("SELECT {INTENT_COLUMNS} FROM intents WHERE {filter}");
        if let Some(before) = &q.before {
            params.push(before);
            sql.push_str(&format!(" AND id < ${}", params.len()));
        }
        let limit = i64::from(q.limit);
        params.push(&limit);
        sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", params.len()));
        let rows = self.query(&sql, &params).await?;
        let rows = rows
            .iter()
            .map(|r| intent_row(r).map(|(pos, row)| (pos, row.json)))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(ListPage { rows })
    }

    /// Intents per status; every filter of `q` but its statuses applies.
    pub async fn count_intents(&self, q: &ListQuery) -> StoreResult<Vec<(String, u64)>> {
        let (filter, texts) = list_filter(q, false);
        let params: Vec<&(dyn ToSql + Sync)> =
            texts.iter().map(|t| t as &(dyn ToSql + Sync)).collect();
        let sql = format!(
            "SELECT status, COUNT(*) FROM intents WHERE {filter} GROUP BY status ORDER BY status"
        );
        let rows = self.query(&sql, &params).await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1).unsigned_abs()))
            .collect())
    }

    pub async fn deliveries(&self, q: &DeliveryQuery) -> StoreResult<Vec<IntentRow>> {
        let statuses: Vec<&str> = q.statuses.iter().map(|s| s.as_str()).collect();
        let rows = self
            .query(
                &format!(
                    "SELECT {INTENT_COLUMNS} FROM intents \
                     WHERE to_agent = $1 AND delivery_cursor > $2 \
                     AND (cardinality($3::text[]) = 0 OR status = ANY($3)) \
                     ORDER BY delivery_cursor LIMIT $4"
                ),
                &[
                    &q.address,
                    &i64::try_from(q.after_cursor).unwrap_or(i64::MAX),
                    &statuses,
                    &i64::from(q.limit),
                ],
            )
            .await?;
        rows.iter()
            .map(|r| intent_row(r).map(|(_, row)| row))
            .collect()
    }

    pub async fn load_directory(&self) -> StoreResult<DirectorySnapshot> {
        let orgs = self
            .query("SELECT org_id, slug, created_at FROM orgs", &[])
            .await?
            .iter()
            .map(|r| OrgRow {
                org_id: r.get(0),
                slug: r.get(1),
                created_at: r.get(2),
            })
            .collect();
        let workspaces = self
            .query(
                "SELECT workspace_id, org_id, slug, created_at FROM workspaces",
                &[],
            )
            .await?
            .iter()
            .map(|r| WorkspaceRow {
                workspace_id: r.get(0),
                org_id: r.get(1),
                slug: r.get(2),
                created_at: r.get(3),
            })
            .collect();
        let accounts = self
            .query(
                &format!(
                    "SELECT {ACCOUNT_COLUMNS} FROM service_accounts ORDER BY created_at, sa_id"
                ),
                &[],
            )
            .await?
            .iter()
            .map(account_row)
            .collect();
        let keys = self
            .query(&format!("SELECT {KEY_COLUMNS} FROM api_keys"), &[])
            .await?
            .iter()
            .map(key_row)
            .collect();
        Ok(DirectorySnapshot {
            orgs,
            workspaces,
            accounts,
            keys,
        })
    }
}

/// How PostgreSQL writes a list filter's dialect parts (`$n` placeholders, `->>`).
const DIALECT: Dialect = Dialect {
    placeholder: |n| format!("${n}"),
    intent_type: "(body::json ->> 'intent_type')",
    starts_with: |column, n| format!("starts_with({column}, {n})"),
    body_contains: |n| format!("strpos(lower(body), lower({n})) > 0"),
};

/// [`filter::list_filter`]: the `WHERE` of a list or count and its text arguments.
fn list_filter(q: &ListQuery, with_statuses: bool) -> (String, Vec<String>) {
    filter::list_filter(q, with_statuses, &DIALECT)
}
