//! Timer changes of a batch, kept in memory and written at its end (or before anything in
//! the batch reads timers): most transitions clear or arm a timer or two, and one
//! statement for the whole batch replaces one round trip per change.
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

/// The collapsed changes in one statement: timers of cleared intents (but those written
/// again below), timers cleared one by one, then the timers set. No row is touched twice:
/// [`collapse`] leaves each timer in one list at most, and the first delete skips the
/// timers set, which the insert overwrites instead (the same end state as deleting them
/// first). Data-modifying `WITH` parts run on one snapshot and must not meet on a row.
const WRITE: &str = "\
WITH s AS (\
  SELECT * FROM unnest($3::text[], $4::text[], $5::bigint[], $6::text[]) \
    AS s(intent_id, kind, due_ms, data)), \
cleared AS (\
  DELETE FROM timers t WHERE t.intent_id = ANY($1::text[]) \
  AND NOT EXISTS (SELECT 1 FROM s WHERE s.intent_id = t.intent_id AND s.kind = t.kind)), \
deleted AS (\
  DELETE FROM timers t USING unnest($2::text[], $7::text[]) AS d(intent_id, kind) \
  WHERE t.intent_id = d.intent_id AND t.kind = d.kind) \
INSERT INTO timers (intent_id, kind, due_ms, data) SELECT * FROM s \
ON CONFLICT (intent_id, kind) DO UPDATE SET due_ms = excluded.due_ms, data = excluded.data";

/// Writes the queued changes (one statement) and empties the queue.
pub fn flush(conn: &mut PgConn, ops: &mut Vec<TimerOp>) -> StoreResult<()> {
    if ops.is_empty() {
        return Ok(());
    }
    let c = collapse(ops);
    ops.clear();
    if c.clear_all.is_empty() && c.delete.is_empty() && c.set.is_empty() {
        return Ok(());
    }
    let delete_ids: Vec<&str> = c.delete.iter().map(|(i, _)| i.as_str()).collect();
    let delete_kinds: Vec<&str> = c.delete.iter().map(|(_, k)| k.as_str()).collect();
    let ids: Vec<&str> = c.set.iter().map(|t| t.intent_id.as_str()).collect();
    let kinds: Vec<&str> = c.set.iter().map(|t| t.kind.as_str()).collect();
    let due: Vec<i64> = c.set.iter().map(|t| t.due_ms).collect();
    let data: Vec<&str> = c.set.iter().map(|t| t.data.as_str()).collect();
    conn.execute(
        WRITE,
        &[
            &c.clear_all,
            &delete_ids,
            &ids,
            &kinds,
            &due,
            &data,
            &delete_kinds,
        ],
    )
    .map_err(storage)?;
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

    #[test]
    fn one_statement_leaves_what_the_changes_in_order_leave() {
        use crate::server::store::pg::testdb::TestDb;
        let db = TestDb::create();
        let mut client = db.url().settings().unwrap().connect_blocking().unwrap();
        crate::server::store::pg::schema::migrate(&mut client).unwrap();
        client
            .batch_execute(
                "INSERT INTO timers (intent_id, kind, due_ms, data) VALUES \
                 ('a', 'deliver', 1, '{}'), ('a', 'deadline', 1, '{}'), \
                 ('a', 'redeliver', 1, '{}'), ('b', 'deliver', 1, '{}'), \
                 ('b', 'deadline', 1, '{}'), ('d', 'deliver', 1, '{}')",
            )
            .unwrap();
        let mut conn = PgConn::new(client);
        let mut ops = vec![
            // a: all cleared, then one set again (it exists: overwritten, not deleted).
            TimerOp::ClearAll("a".into()),
            TimerOp::Set(row("a", "redeliver", 7)),
            // b: one cleared, the other kept.
            clear("b", "deliver"),
            // c: new.
            TimerOp::Set(row("c", "deliver", 9)),
            // d: untouched.
        ];
        flush(&mut conn, &mut ops).unwrap();
        assert!(ops.is_empty());
        let left: Vec<(String, String, i64)> = conn
            .client
            .query(
                "SELECT intent_id, kind, due_ms FROM timers ORDER BY intent_id, kind",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let expected = [
            ("a", "redeliver", 7),
            ("b", "deadline", 1),
            ("c", "deliver", 9),
            ("d", "deliver", 1),
        ];
        let expected: Vec<(String, String, i64)> = expected
            .iter()
            .map(|(i, k, d)| (i.to_string(), k.to_string(), *d))
            .collect();
        assert_eq!(left, expected);
        // Nothing queued: no statement.
        let sent = conn.statements_sent;
        flush(&mut conn, &mut Vec::new()).unwrap();
        assert_eq!(conn.statements_sent, sent);
    }
}
