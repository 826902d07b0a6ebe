//! The `WHERE` of an intent list or count, written once for both stores: what differs
//! between SQLite and PostgreSQL (placeholders, reading the type out of the JSON body, a
//! prefix and a case-blind text match) is a [`Dialect`].

use super::{ListQuery, TypeFilter};
use crate::protocol::Status;

/// How one store's SQL writes the parts of a list filter that differ.
pub struct Dialect {
    /// The placeholder of the `n`-th argument (from 1): `?n` or `$n`.
    pub placeholder: fn(usize) -> String,
    /// The intent type, read from the JSON body.
    pub intent_type: &'static str,
    /// `column` starts with the argument at `placeholder`.
    pub starts_with: fn(column: &str, placeholder: &str) -> String,
    /// The body contains the argument at `placeholder`, ignoring ASCII case.
    pub body_contains: fn(placeholder: &str) -> String,
}

/// `'SUBMITTED','DELIVERED'`: statuses come from the enum, so they are inlined (each
/// filter shape is then its own prepared statement).
pub fn status_list(statuses: &[Status]) -> String {
    statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The `WHERE` of a list or count (everything but the cursor) and its text arguments, in
/// placeholder order.
pub fn list_filter(q: &ListQuery, with_statuses: bool, d: &Dialect) -> (String, Vec<String>) {
    let first = (d.placeholder)(1);
    let mut sql = format!("(workspace_id = {first} OR to_workspace_id = {first})");
    let mut args = vec![q.workspace_id.clone()];
    let mut arg = |value: &str| {
        args.push(value.to_string());
        (d.placeholder)(args.len())
    };
    if with_statuses && !q.statuses.is_empty() {
        sql.push_str(&format!(" AND status IN ({})", status_list(&q.statuses)));
    }
    if let Some(to) = &q.to_agent {
        sql.push_str(&format!(" AND to_agent = {}", arg(to)));
    }
    match &q.intent_type {
        None => {}
        Some(TypeFilter::Exact(t)) => {
            sql.push_str(&format!(" AND {} = {}", d.intent_type, arg(t)));
        }
        Some(TypeFilter::Prefix(t)) => {
            let n = arg(t);
            sql.push_str(&format!(" AND {}", (d.starts_with)(d.intent_type, &n)));
        }
    }
    if let Some(text) = &q.text {
        let n = arg(text);
        sql.push_str(&format!(" AND {}", (d.body_contains)(&n)));
    }
    if let Some(party) = &q.party {
        let sa = arg(&party.sa_id);
        let address = arg(&party.address);
        sql.push_str(&format!(
            " AND (sender_sa_id = {sa} OR to_agent = {address})"
        ));
    }
    (sql, args)
}
