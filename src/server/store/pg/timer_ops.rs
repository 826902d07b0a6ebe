//! Timer changes of a batch, kept in memory and written at its end (or before anything in
//! the batch reads timers): most transitions clear or arm a timer or two, and one
//! statement per kind of change for the whole batch replaces one round trip per change.
//! Changes are replayed in order, so the last one for a timer wins, as if each had been
//! written at once.

use std::collections::{HashMap, HashSet};

use super::conn::{PgConn, storage};
use crate::server::store::{StoreResult, TimerRow};

/// One change, as the engine asked for it.
#[derive(Debug, Clone)]
pub enum TimerOp {
    Set(TimerRow),
    Clear { intent_id: String, kind: String },
    ClearAll(String),
}

/// What the changes leave: intents whose timers all go, then timers to delete, then
/// timers to write. Applied in that order, the result is that of the changes in order.
#[derive(Debug, Default, PartialEq)]
struct Collapsed {
    clear_all: Vec<String>,
    delete: Vec<(String, String)>,
    set: Vec<TimerRow>,
}

fn collapse(ops: &[TimerOp]) -> Collapsed {
    let mut clear_all: HashSet<&str> = HashSet::new();
    let mut last: HashMap<(&str, &str), Option<&TimerRow>> = HashMap::new();
    let mut order: Vec<(&str, &str)> = Vec::new();
    for op in ops {
        match op {
            TimerOp::Set(row) => {
                let key = (row.intent_id.as_str(), row.kind.as_str());
                if last.insert(key, Some(row)).is_none() {
                    order.push(key);
                }
            }
            TimerOp::Clear { intent_id, kind } => {
                let key = (intent_id.as_str(), kind.as_str());
                if last.insert(key, None).is_none() {
                    order.push(key);
                }
            }
            TimerOp::ClearAll(intent_id) => {
                clear_all.insert(intent_id.as_str());
                last.retain(|(i, _), _| *i != intent_id.as_str());
            }
        }
    }
    let mut out = Collapsed {
        clear_all: clear_all.iter().map(|s| s.to_string()).collect(),
        ..Collapsed::default()
    };
    out.clear_all.sort();
    for key in order {
        match last.remove(&key) {
            Some(Some(row)) => out.set.push(row.clone()),
            Some(None) if !clear_all.contains(key.0) => {
                out.delete.push((key.0.to_string(), key.1.to_string()))
            }
            // Cleared with all of its intent's timers, or replaced since.
            _ => {}
        }
    }
    out
}

/// Writes the queued changes and empties the queue.
pub fn flush(conn: &mut PgConn, ops: &mut Vec<TimerOp>) -> StoreResult<()> {
    if ops.is_empty() {
        return Ok(());
    }
    let c = collapse(ops);
    ops.clear();
    if !c.clear_all.is_empty() {
        conn.execute(
            "DELETE FROM timers WHERE intent_id = ANY($1::text[])",
            &[&c.clear_all],
        )
        .map_err(storage)?;
    }
    if !c.delete.is_empty() {
        let ids: Vec<&str> = c.delete.iter().map(|(i, _)| i.as_str()).collect();
        let kinds: Vec<&str> = c.delete.iter().map(|(_, k)| k.as_str()).collect();
        conn.execute(
            "DELETE FROM timers t USING unnest($1::text[], $2::text[]) AS d(intent_id, kind) \
             WHERE t.intent_id = d.intent_id AND t.kind = d.kind",
            &[&ids, &kinds],
        )
        .map_err(storage)?;
    }
    if !c.set.is_empty() {
        let ids: Vec<&str> = c.set.iter().map(|t| t.intent_id.as_str()).collect();
        let kinds: Vec<&str> = c.set.iter().map(|t| t.kind.as_str()).collect();
        let due: Vec<i64> = c.set.iter().map(|t| t.due_ms).collect();
        let data: Vec<&str> = c.set.iter().map(|t| t.data.as_str()).collect();
        conn.execute(
            "INSERT INTO timers (intent_id, kind, due_ms, data) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) \
             ON CONFLICT (intent_id, kind) DO UPDATE SET due_ms = excluded.due_ms, \
             data = excluded.data",
            &[&ids, &kinds, &due, &data],
        )
        .map_err(storage)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(intent: &str, kind: &str, due: i64) -> TimerRow {
        TimerRow {
            intent_id: intent.into(),
            kind: kind.into(),
            due_ms: due,
            data: "{}".into(),
        }
    }

    fn clear(intent: &str, kind: &str) -> TimerOp {
        TimerOp::Clear {
            intent_id: intent.into(),
            kind: kind.into(),
        }
    }

    #[test]
    fn the_last_change_of_a_timer_wins() {
        let c = collapse(&[
            TimerOp::Set(row("a", "deliver", 1)),
            clear("a", "deliver"),
            TimerOp::Set(row("a", "redeliver", 2)),
            TimerOp::Set(row("a", "redeliver", 3)),
            clear("b", "deliver"),
            TimerOp::Set(row("c", "deadline", 4)),
            TimerOp::ClearAll("c".into()),
            TimerOp::Set(row("c", "redeliver", 5)),
            clear("c", "deliver"),
        ]);
        assert_eq!(c.clear_all, ["c"]);
        assert_eq!(
            c.delete,
            [
                ("a".to_string(), "deliver".to_string()),
                ("b".to_string(), "deliver".to_string())
            ]
        );
        assert_eq!(c.set, [row("a", "redeliver", 3), row("c", "redeliver", 5)]);
    }
}
