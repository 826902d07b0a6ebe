//! The node's copy of recent intents (SQLite's [`HotIntents`]), so a watcher's
//! `events_after` and `get_intent` skip a round trip to PostgreSQL. With several nodes
//! writing, it is kept only while it can be kept true:
//! - filled by this node's writer after its commits, in commit order;
//! - an intent another node changed (its `NOTIFY` names it) is dropped, and remembered for a
//!   while so that a fill of this node arriving late cannot bring back an older copy;
//! - off (empty, not filled, not read) while the `LISTEN` connection is down or was never
//!   up, since other nodes' changes would go unseen: a store opened without a listener never
//!   uses it.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use super::listen::Remote;
use crate::server::store::sqlite::hot::{HotIntents, HotUpdate};
use crate::server::store::{IntentRow, Notice};

/// Ids of intents other nodes changed, remembered at most.
const TOUCHED: usize = 65_536;

#[derive(Default)]
struct Gate {
    live: bool,
    touched: HashSet<String>,
    order: VecDeque<String>,
}

#[derive(Default)]
pub struct NodeCache {
    hot: HotIntents,
    /// Held while filling and while dropping, so a drop never interleaves with a fill.
    gate: Mutex<Gate>,
}

impl NodeCache {
    fn live(&self) -> bool {
        self.gate.lock().map(|g| g.live).unwrap_or(false)
    }

    pub fn get_intent(&self, intent_id: &str) -> Option<IntentRow> {
        if !self.live() {
            return None;
        }
        self.hot.get_intent(intent_id)
    }

    pub fn events_after(&self, intent_id: &str, since: u64) -> Option<(IntentRow, Vec<String>)> {
        if !self.live() {
            return None;
        }
        self.hot.events_after(intent_id, since)
    }

    /// This node's committed changes, in commit order.
    pub fn apply(&self, updates: Vec<HotUpdate>) {
        let Ok(gate) = self.gate.lock() else {
            return;
        };
        if !gate.live || updates.is_empty() {
            return;
        }
        let kept = updates.into_iter().filter(|u| match u {
            HotUpdate::Created { intent_id, .. } => !gate.touched.contains(intent_id),
            _ => true,
        });
        self.hot.apply(kept);
    }

    /// Another node changed these intents.
    fn dropped(&self, notices: &[Notice]) {
        let Ok(mut gate) = self.gate.lock() else {
            return;
        };
        for notice in notices {
            if let Notice::Intent(id) = notice {
                self.hot.apply(std::iter::once(HotUpdate::Forget {
                    intent_id: id.clone(),
                }));
                if gate.touched.insert(id.clone()) {
                    gate.order.push_back(id.clone());
                    if gate.order.len() > TOUCHED
                        && let Some(old) = gate.order.pop_front()
                    {
                        gate.touched.remove(&old);
                    }
                }
            }
        }
    }

    fn set_live(&self, live: bool) {
        if let Ok(mut gate) = self.gate.lock() {
            gate.live = live;
            self.hot.clear();
        }
    }
}

/// The node's [`Remote`], with the cache kept in step first.
pub struct CacheRemote {
    pub cache: Arc<NodeCache>,
    pub inner: Arc<dyn Remote>,
}

impl Remote for CacheRemote {
    fn remote(&self, notices: &[Notice], directory_changed: bool) {
        self.cache.dropped(notices);
        self.inner.remote(notices, directory_changed);
    }

    fn resync(&self) {
        self.cache.set_live(true);
        self.inner.resync();
    }

    fn lost(&self) {
        self.cache.set_live(false);
        self.inner.lost();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Status;
    use crate::server::store::IntentMeta;

    fn created(id: &str) -> HotUpdate {
        HotUpdate::Created {
            intent_id: id.into(),
            row: IntentRow {
                meta: IntentMeta {
                    workspace_id: "w".into(),
                    to_workspace_id: None,
                    sender_sa_id: "sa".into(),
                    to_agent: "agent://o/w/a".into(),
                },
                status: Status::Submitted,
                delivery_cursor: 2,
                json: "{}".into(),
            },
            events: vec![(1, "e1".into())],
        }
    }

    #[test]
    fn kept_only_while_other_nodes_are_heard() {
        let cache = NodeCache::default();
        // Never listened: not filled, not read.
        cache.apply(vec![created("a")]);
        assert!(cache.events_after("a", 0).is_none());
        cache.set_live(true);
        cache.apply(vec![created("a"), created("b")]);
        assert_eq!(cache.events_after("a", 0).unwrap().1, ["e1"]);
        // Another node changed b: dropped, and a late fill of this node cannot bring it back.
        cache.dropped(&[Notice::Intent("b".into())]);
        assert!(cache.get_intent("b").is_none());
        cache.apply(vec![created("b")]);
        assert!(cache.get_intent("b").is_none());
        assert!(cache.get_intent("a").is_some());
        // The LISTEN connection went down: nothing is served until it is back.
        cache.set_live(false);
        assert!(cache.get_intent("a").is_none());
        cache.set_live(true);
        assert!(cache.get_intent("a").is_none());
    }
}
