//! Live intents older than a time (`POST /v1/intents/bulk-cancel`), oldest first, through
//! the partial index `intents_live_by_age` (migration 10), which holds live intents only:
//! the query repeats the index's condition, so the planner sees that it applies.

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
