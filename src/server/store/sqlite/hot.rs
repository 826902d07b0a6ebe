//! Recently created intents kept in memory by the writer: their row and whole event log,
//! so the hot reads (a watcher's `events_after`, `get_intent`) skip a read transaction.
//!
//! Filled only after a commit succeeded, so it never shows uncommitted state and is never
//! the only copy (the database is the truth; a miss reads it). An entry is made only when
//! an intent is created, so it always holds every event from seq 1; bounded, oldest out.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::protocol::Status;
use crate::server::store::IntentRow;

/// Intents kept at most (each a few KB at most: its JSON and a handful of events).
const CAPACITY: usize = 4096;

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
}

struct Entry {
    row: IntentRow,
    /// Every event of the intent, seq 1, 2, 3 … in order.
    events: Vec<(u64, String)>,
}

#[derive(Default)]
struct Inner {
    map: HashMap<String, Entry>,
    /// Creation order, for eviction.
    order: VecDeque<String>,
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
                    inner.order.push_back(intent_id.clone());
                    inner.map.insert(intent_id, Entry { row, events });
                    while inner.map.len() > CAPACITY {
                        let Some(old) = inner.order.pop_front() else {
                            break;
                        };
                        inner.map.remove(&old);
                    }
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
                        inner.map.remove(&intent_id);
                        continue;
                    }
                    entry.row.status = status;
                    entry.row.json = json;
                    entry.events.extend(events);
                }
            }
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
}
