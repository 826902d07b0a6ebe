//! Live intents older than a time (`POST /v1/intents/bulk-cancel`), oldest first, through
//! the index `intents_by_age` (created_at, id) of all intents (migration 11: the partial
//! index of live intents of migration 10 named `status`, which kept every status change
//! from being a HOT update); terminal intents met on the way are filtered out.

use tokio_postgres::types::ToSql;

use super::reads::Readers;
use crate::server::store::{LIVE_CONDITION, StaleQuery, StoreResult};

pub async fn stale_intents(readers: &Readers, q: &StaleQuery) -> StoreResult<Vec<String>> {
    let statuses: Vec<&str> = q
        .statuses
        .iter()
        .filter(|s| !s.is_terminal())
        .map(|s| s.as_str())
        .collect();
    if statuses.is_empty() {
        return Ok(Vec::new());
    }
    let limit = i64::from(q.limit);
    let mut params: Vec<&(dyn ToSql + Sync)> =
        vec![&q.created_before, &q.workspace_id, &statuses, &limit];
    let mut sql = format!(
        "SELECT intent_id FROM intents \
         WHERE {LIVE_CONDITION} AND created_at < $1 \
         AND (workspace_id = $2 OR to_workspace_id = $2) AND status = ANY($3)"
    );
    if let Some(party) = &q.party {
        params.push(&party.sa_id);
        params.push(&party.address);
        sql.push_str(" AND (sender_sa_id = $5 OR to_agent = $6)");
    }
    sql.push_str(" ORDER BY created_at, id LIMIT $4");
    let rows = readers.query(&sql, &params).await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}
