//! What one node tells the others after a commit, over `NOTIFY axme_events`: ids only
//! (a woken stream reads the database from its cursor), in payloads under PostgreSQL's
//! 8,000-byte limit. One line per item:
//!
//! ```text
//! n <node id>        first line: the sender (a node skips its own notifications)
//! i <intent id>      new events on this intent
//! a <address>        a new delivery for this agent address
//! t <due ms>         the earliest timer the batch armed
//! d                  tenants or keys changed: reload the directory
//! ```

use std::collections::HashSet;

use crate::server::store::Notice;

pub const CHANNEL: &str = "axme_events";
/// Below PostgreSQL's limit of 8,000 bytes, with room for the last line.
const MAX_PAYLOAD: usize = 7_000;

/// The payloads announcing one commit; none when it changed nothing others watch.
pub fn payloads(node_id: &str, notices: &[Notice], directory_changed: bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut earliest_timer: Option<i64> = None;
    for notice in notices {
        match notice {
            Notice::Intent(id) => {
                if seen.insert(('i', id.as_str())) {
                    lines.push(format!("i {id}"));
                }
            }
            Notice::Agent(address) => {
                if seen.insert(('a', address.as_str())) {
                    lines.push(format!("a {address}"));
                }
            }
            Notice::Timer(due) => {
                earliest_timer = Some(earliest_timer.map_or(*due, |e| e.min(*due)));
            }
        }
    }
    if let Some(due) = earliest_timer {
        lines.push(format!("t {due}"));
    }
    if directory_changed {
        lines.push("d".into());
    }
    if lines.is_empty() {
        return Vec::new();
    }
    let head = format!("n {node_id}");
    let mut out = Vec::new();
    let mut current = head.clone();
    for line in lines {
        if current.len() + 1 + line.len() > MAX_PAYLOAD && current.len() > head.len() {
            out.push(std::mem::replace(&mut current, head.clone()));
        }
        current.push('\n');
        current.push_str(&line);
    }
    out.push(current);
    out
}

/// The payloads sent with `pg_notify` (delivered when the transaction commits), then
/// `COMMIT`, as one simple-protocol string: one round trip for both. The payloads are
/// written as escape-string literals, so quotes and backslashes in them stay text whatever
/// `standard_conforming_strings` says.
pub fn then_commit(payloads: &[String]) -> String {
    let mut sql = String::with_capacity(payloads.iter().map(|p| p.len() + 48).sum::<usize>() + 8);
    for payload in payloads {
        sql.push_str("SELECT pg_notify('");
        sql.push_str(CHANNEL);
        sql.push_str("', E'");
        for c in payload.chars() {
            if c == '\\' || c == '\'' {
                sql.push('\\');
            }
            sql.push(c);
        }
        sql.push_str("');");
    }
    sql.push_str("COMMIT");
    sql
}

/// One received payload.
#[derive(Debug, Default, PartialEq)]
pub struct Received {
    pub node_id: String,
    pub notices: Vec<Notice>,
    pub directory_changed: bool,
}

pub fn parse(payload: &str) -> Received {
    let mut received = Received::default();
    for line in payload.lines() {
        let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
        match tag {
            "n" => received.node_id = rest.to_string(),
            "i" => received.notices.push(Notice::Intent(rest.to_string())),
            "a" => received.notices.push(Notice::Agent(rest.to_string())),
            "t" => {
                if let Ok(due) = rest.parse() {
                    received.notices.push(Notice::Timer(due));
                }
            }
            "d" => received.directory_changed = true,
            _ => {}
        }
    }
    received
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_stay_under_the_limit_and_round_trip() {
        let mut notices = vec![Notice::Timer(20), Notice::Timer(10)];
        for i in 0..500 {
            notices.push(Notice::Intent(format!("{i:036}")));
            notices.push(Notice::Intent(format!("{i:036}")));
            notices.push(Notice::Agent(format!("agent://o/w/a{}", i % 3)));
        }
        let sent = payloads("node-a", &notices, true);
        assert!(sent.len() > 1);
        let mut intents = 0;
        let mut timers = Vec::new();
        let mut agents = HashSet::new();
        let mut directory = false;
        for p in &sent {
            assert!(p.len() < 8000, "{}", p.len());
            let r = parse(p);
            assert_eq!(r.node_id, "node-a");
            directory |= r.directory_changed;
            for n in r.notices {
                match n {
                    Notice::Intent(_) => intents += 1,
                    Notice::Agent(a) => {
                        agents.insert(a);
                    }
                    Notice::Timer(t) => timers.push(t),
                }
            }
        }
        assert_eq!(intents, 500);
        assert_eq!(agents.len(), 3);
        assert_eq!(timers, [10]);
        assert!(directory);
        assert!(payloads("n", &[], false).is_empty());
    }

    #[test]
    fn payloads_with_quotes_and_backslashes_arrive_as_sent_on_commit() {
        use crate::server::store::pg::testdb::TestDb;
        use postgres::fallible_iterator::FallibleIterator;
        let db = TestDb::create();
        let settings = db.url().settings().unwrap();
        let mut listener = settings.connect_blocking().unwrap();
        listener
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .unwrap();
        let mut sender = settings.connect_blocking().unwrap();
        let sent = [
            "n node-a\ni it's\\here\\'".to_string(),
            "n node-a\na agent://o/w/x".to_string(),
        ];
        sender.batch_execute("BEGIN").unwrap();
        sender.batch_execute(&then_commit(&sent)).unwrap();
        // Committed: a new transaction starts cleanly.
        sender.batch_execute("BEGIN; ROLLBACK").unwrap();
        let mut received = Vec::new();
        let mut notifications = listener.notifications();
        let mut iter = notifications.timeout_iter(std::time::Duration::from_secs(5));
        while received.len() < sent.len() {
            let n = iter.next().unwrap().expect("a notification within 5 s");
            received.push(n.payload().to_string());
        }
        assert_eq!(received, sent);
        assert_eq!(then_commit(&[]), "COMMIT");
    }
}
