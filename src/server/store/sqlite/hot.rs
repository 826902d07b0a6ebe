//! Recently created intents kept in memory by the writer: their row and whole event log,
//! so the hot reads (a watcher's `events_after`, `get_intent`) skip a read transaction.
//!
//! Filled only after a commit succeeded, so it never shows uncommitted state and is never
//! the only copy (the database is the truth; a miss reads it). An entry is made only when
//! an intent is created, so it always holds every event from seq 1. Bounded by count and
//! by bytes (payloads and results can be 128 KiB each), oldest out.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::protocol::Status;
use crate::server::store::IntentRow;

/// Intents kept at most.
const CAPACITY: usize = 4096;
/// Bytes of JSON (row and events) kept at most: a hot read is worth little memory, and
/// 4,096 intents with 120 KB payloads and results once held 2.2 GB here.
const MAX_BYTES: usize = 32 * 1024 * 1024;
/// What an entry costs beyond its JSON text (map slot, id, vectors).
const ENTRY_OVERHEAD: usize = 256;

/// A committed change, staged by a write job and applied after its batch committed.
pub enum HotUpdate {
    Created {
        intent_id: String,
        row: IntentRow,
        events: Vec<(u64, String)>,
    },
    Transitioned {
        intent_id: String,
        status: Status,
        json: String,
        events: Vec<(u64, String)>,
    },
    /// The intent got a new delivery cursor (redelivery).
    Requeued { intent_id: String, cursor: u64 },
    /// The copy may be stale: reads go to the database.
    Forget { intent_id: String },
}

struct Entry {
    row: IntentRow,
    /// Every event of the intent, seq 1, 2, 3 … in order.
    events: Vec<(u64, String)>,
}

impl Entry {
    fn bytes(&self) -> usize {
        ENTRY_OVERHEAD
            + self.row.json.len()
            + self.events.iter().map(|(_, j)| j.len() + 32).sum::<usize>()
    }
}

#[derive(Default)]
struct Inner {
    map: HashMap<String, Entry>,
    /// Creation order, for eviction.
    order: VecDeque<String>,
    /// Sum of the entries' `bytes()`.
    bytes: usize,
}

impl Inner {
    fn remove(&mut self, intent_id: &str) {
        if let Some(entry) = self.map.remove(intent_id) {
            self.bytes = self.bytes.saturating_sub(entry.bytes());
        }
    }

    /// Drops the oldest entries until both bounds hold.
    fn evict(&mut self) {
        while self.map.len() > CAPACITY || self.bytes > MAX_BYTES {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            self.remove(&old);
        }
    }
}

#[derive(Default)]
pub struct HotIntents {
    inner: Mutex<Inner>,
}

impl HotIntents {
    /// Applies the updates of one committed batch, in commit order.
    pub fn apply(&self, updates: impl Iterator<Item = HotUpdate>) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        for update in updates {
            match update {
                HotUpdate::Created {
                    intent_id,
                    row,
                    events,
                } => {
                    let complete = events
                        .iter()
                        .enumerate()
                        .all(|(i, (s, _))| *s == i as u64 + 1);
                    if !complete || inner.map.contains_key(&intent_id) {
                        continue;
                    }
                    let entry = Entry { row, events };
                    inner.bytes += entry.bytes();
                    inner.order.push_back(intent_id.clone());
                    inner.map.insert(intent_id, entry);
                    inner.evict();
                }
                HotUpdate::Transitioned {
                    intent_id,
                    status,
                    json,
                    events,
                } => {
                    let Some(entry) = inner.map.get_mut(&intent_id) else {
                        continue;
                    };
                    let last = entry.events.last().map(|(s, _)| *s).unwrap_or(0);
                    let follows = events
                        .iter()
                        .enumerate()
                        .all(|(i, (s, _))| *s == last + 1 + i as u64);
                    if !follows {
                        // Never serve a log with a gap: forget the intent, reads go to disk.
                        inner.remove(&intent_id);
                        continue;
                    }
                    let before = entry.bytes();
                    entry.row.status = status;
                    entry.row.json = json;
                    entry.events.extend(events);
                    let after = entry.bytes();
                    inner.bytes = inner.bytes.saturating_sub(before) + after;
                    inner.evict();
                }
                HotUpdate::Forget { intent_id } => inner.remove(&intent_id),
                HotUpdate::Requeued { intent_id, cursor } => {
                    if let Some(entry) = inner.map.get_mut(&intent_id) {
                        entry.row.delivery_cursor = cursor;
                    }
                }
            }
        }
    }

    /// Forgets every intent.
    pub fn clear(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            *inner = Inner::default();
        }
    }

    pub fn get_intent(&self, intent_id: &str) -> Option<IntentRow> {
        let inner = self.inner.lock().ok()?;
        inner.map.get(intent_id).map(|e| e.row.clone())
    }

    /// The row and the events after `since`, when the intent is held.
    pub fn events_after(&self, intent_id: &str, since: u64) -> Option<(IntentRow, Vec<String>)> {
        let inner = self.inner.lock().ok()?;
        let entry = inner.map.get(intent_id)?;
        // Events are seq 1, 2, 3 … so the first one after `since` sits at index `since`.
        let from = usize::try_from(since)
            .unwrap_or(usize::MAX)
            .min(entry.events.len());
        let events = entry.events[from..]
            .iter()
            .map(|(_, j)| j.clone())
            .collect();
        Some((entry.row.clone(), events))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::IntentMeta;

    fn row(status: Status) -> IntentRow {
        IntentRow {
            meta: IntentMeta {
                workspace_id: "w".into(),
                to_workspace_id: None,
                sender_sa_id: "sa".into(),
                to_agent: "agent://o/w/a".into(),
            },
            status,
            delivery_cursor: 2,
            json: format!("{status:?}"),
        }
    }

    fn events(seqs: &[u64]) -> Vec<(u64, String)> {
        seqs.iter().map(|s| (*s, format!("e{s}"))).collect()
    }

    #[test]
    fn serves_events_after_since_exclusively() {
        let hot = HotIntents::default();
        hot.apply(
            [
                HotUpdate::Created {
                    intent_id: "i".into(),
                    row: row(Status::Submitted),
                    events: events(&[1, 2]),
                },
                HotUpdate::Transitioned {
                    intent_id: "i".into(),
                    status: Status::Completed,
                    json: "done".into(),
                    events: events(&[3]),
                },
            ]
            .into_iter(),
        );
        let (r, ev) = hot.events_after("i", 1).unwrap();
        assert_eq!(r.status, Status::Completed);
        assert_eq!(ev, vec!["e2".to_string(), "e3".to_string()]);
        assert!(hot.events_after("i", 3).unwrap().1.is_empty());
        assert!(hot.events_after("i", 99).unwrap().1.is_empty());
        assert!(hot.events_after("other", 0).is_none());
    }

    #[test]
    fn forgets_an_intent_whose_log_would_have_a_gap() {
        let hot = HotIntents::default();
        hot.apply(
            [
                HotUpdate::Created {
                    intent_id: "i".into(),
                    row: row(Status::Submitted),
                    events: events(&[1]),
                },
                HotUpdate::Transitioned {
                    intent_id: "i".into(),
                    status: Status::Completed,
                    json: "done".into(),
                    events: events(&[3]),
                },
            ]
            .into_iter(),
        );
        assert!(hot.get_intent("i").is_none());
    }

    #[test]
    fn stays_bounded() {
        let hot = HotIntents::default();
        hot.apply((0..CAPACITY + 10).map(|i| HotUpdate::Created {
            intent_id: format!("i{i}"),
            row: row(Status::Submitted),
            events: events(&[1]),
        }));
        assert!(hot.get_intent("i0").is_none());
        assert!(hot.get_intent(&format!("i{}", CAPACITY + 9)).is_some());
        assert_eq!(hot.inner.lock().unwrap().map.len(), CAPACITY);
    }

    #[test]
    fn stays_within_its_bytes() {
        let hot = HotIntents::default();
        let big = "x".repeat(120_000);
        let n = MAX_BYTES / 240_000 + 50;
        for i in 0..n {
            let mut r = row(Status::Submitted);
            r.json = big.clone();
            hot.apply(
                [
                    HotUpdate::Created {
                        intent_id: format!("i{i}"),
                        row: r,
                        events: events(&[1]),
                    },
                    HotUpdate::Transitioned {
                        intent_id: format!("i{i}"),
                        status: Status::Completed,
                        json: big.clone(),
                        events: vec![(2, big.clone())],
                    },
                ]
                .into_iter(),
            );
            let inner = hot.inner.lock().unwrap();
            assert!(inner.bytes <= MAX_BYTES, "{} at {i}", inner.bytes);
            let counted: usize = inner.map.values().map(Entry::bytes).sum();
            assert_eq!(counted, inner.bytes);
        }
        assert!(hot.get_intent(&format!("i{}", n - 1)).is_some());
        assert!(hot.get_intent("i0").is_none());
    }
}
