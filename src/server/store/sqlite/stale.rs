//! Live intents older than a time (`POST /v1/intents/bulk-cancel`), oldest first, through
//! the partial index `intents_live_by_age` (migration 12), which holds live intents only:
//! the query repeats the index's condition word for word, as SQLite needs to use it.

use rusqlite::{Connection, params_from_iter, types::Value as SqlValue};

use crate::server::store::{LIVE_CONDITION, StaleQuery};

pub fn stale_intents(conn: &Connection, q: &StaleQuery) -> rusqlite::Result<Vec<String>> {
    let statuses: Vec<String> = q
        .statuses
        .iter()
        .filter(|s| !s.is_terminal())
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    if statuses.is_empty() {
        return Ok(Vec::new());
    }
    // Statuses come from the enum, so inlining them is safe.
    let mut sql = format!(
        "SELECT intent_id FROM intents INDEXED BY intents_live_by_age \
         WHERE {LIVE_CONDITION} AND created_at < ?1 \
         AND (workspace_id = ?2 OR to_workspace_id = ?2) AND status IN ({})",
        statuses.join(",")
    );
    let mut args = vec![
        SqlValue::Text(q.created_before.clone()),
        SqlValue::Text(q.workspace_id.clone()),
    ];
    if let Some(party) = &q.party {
        args.push(SqlValue::Text(party.sa_id.clone()));
        args.push(SqlValue::Text(party.address.clone()));
        sql.push_str(" AND (sender_sa_id = ?3 OR to_agent = ?4)");
    }
    args.push(SqlValue::Integer(i64::from(q.limit)));
    sql.push_str(&format!(" ORDER BY created_at, id LIMIT ?{}", args.len()));
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_map(params_from_iter(args), |r| r.get(0))?
        .collect()
}
