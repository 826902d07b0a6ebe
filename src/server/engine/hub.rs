//! In-process notification hub: wakes the SSE streams waiting on an intent or an agent
//! address right after a commit. It carries no data: a woken stream reads the committed
//! log from its cursor, so a missed or merged wake-up can never lose or reorder events.
//!
//! Keys live in a few sharded maps so publishers and subscribers of different keys rarely
//! meet on a lock; an entry disappears when its last subscriber leaves.
//!
//! Besides the wake-ups, the ids of changed intents go to a bounded broadcast channel for
//! the workspace change streams (the web console's live lists); a receiver that falls
//! behind is told so and reads the list again. Sent only while someone listens.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, broadcast};

use crate::server::store::Notice;

const SHARDS: usize = 16;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Topic {
    Intent,
    Agent,
}

/// One key's waiters, and how many times it was published (so a stream can tell whether
/// anything committed between a read and the moment it started waiting).
#[derive(Default)]
struct Entry {
    notify: Notify,
    published: AtomicU64,
}

type Shard = Mutex<HashMap<(Topic, String), Arc<Entry>>>;

pub struct Hub {
    shards: Vec<Shard>,
    hasher: RandomState,
    changes: broadcast::Sender<Arc<str>>,
}

/// Changed-intent ids a change stream may lag behind before it must read the list again.
const CHANGES_BACKLOG: usize = 1024;

/// Sent on the change channel when changes may have been missed (every reader resyncs).
pub const RESYNC: &str = "";

impl Default for Hub {
    fn default() -> Self {
        Hub {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            hasher: RandomState::new(),
            changes: broadcast::channel(CHANGES_BACKLOG).0,
        }
    }
}

/// A registration; dropping it unregisters.
pub struct Subscription {
    hub: Arc<Hub>,
    key: (Topic, String),
    entry: Arc<Entry>,
}

impl Subscription {
    pub fn notify(&self) -> &Notify {
        &self.entry.notify
    }

    /// Publications of this key so far. Unchanged between a read and an enabled
    /// `notify().notified()` means nothing committed in between: no need to read again.
    pub fn published(&self) -> u64 {
        self.entry.published.load(Ordering::SeqCst)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let shard = self.hub.shard(&self.key);
        if let Ok(mut map) = shard.lock() {
            // Two owners left (the map and us): we were the last subscriber.
            if Arc::strong_count(&self.entry) <= 2 {
                map.remove(&self.key);
            }
        }
    }
}

impl Hub {
    fn shard(&self, key: &(Topic, String)) -> &Shard {
        let index = crate::num::bucket(self.hasher.hash_one(key), SHARDS);
        &self.shards[index]
    }

    pub fn subscribe(self: &Arc<Self>, topic: Topic, key: &str) -> Subscription {
        let key = (topic, key.to_string());
        let entry = {
            let mut map = self
                .shard(&key)
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            map.entry(key.clone()).or_default().clone()
        };
        Subscription {
            hub: self.clone(),
            key,
            entry,
        }
    }

    pub fn publish(&self, topic: Topic, key: &str) {
        let key = (topic, key.to_string());
        let entry = {
            let map = self
                .shard(&key)
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            map.get(&key).cloned()
        };
        if let Some(entry) = entry {
            // Counted before waking: a stream that reads the count after enabling its
            // waiter either sees this publication or is woken by it.
            entry.published.fetch_add(1, Ordering::SeqCst);
            entry.notify.notify_waiters();
        }
    }

    /// The ids of intents changed from now on ([`RESYNC`] when some may have been missed).
    pub fn changes(&self) -> broadcast::Receiver<Arc<str>> {
        self.changes.subscribe()
    }

    fn changed(&self, id: &str) {
        if self.changes.receiver_count() > 0 {
            let _ = self.changes.send(Arc::from(id));
        }
    }

    /// Listeners of `address` came, went or (dis)connected (`Listeners::sweep`): the address
    /// goes down the change channel as it is (an intent id never starts with `agent://`).
    pub fn listeners_changed(&self, address: &str) {
        self.changed(address);
    }

    pub fn publish_notices(&self, notices: &[Notice]) {
        for notice in notices {
            match notice {
                Notice::Intent(id) => {
                    self.publish(Topic::Intent, id);
                    self.changed(id);
                }
                Notice::Agent(address) => self.publish(Topic::Agent, address),
                Notice::Timer(_) => {}
            }
        }
    }

    /// Wakes every waiter, as if each key were published: after notifications may have
    /// been lost (another node's, while the listening connection was down), every stream
    /// reads again from its cursor.
    pub fn publish_all(&self) {
        self.changed(RESYNC);
        for shard in &self.shards {
            let entries: Vec<Arc<Entry>> = shard
                .lock()
                .map(|map| map.values().cloned().collect())
                .unwrap_or_default();
            for entry in entries {
                entry.published.fetch_add(1, Ordering::SeqCst);
                entry.notify.notify_waiters();
            }
        }
    }

    /// Number of keys with subscribers.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().map(|m| m.len()).unwrap_or(0))
            .sum()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn wakes_enabled_waiters_and_cleans_up() {
        let hub = Arc::new(Hub::default());
        let sub = hub.subscribe(Topic::Intent, "i1");
        {
            let notified = sub.notify().notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            hub.publish(Topic::Intent, "other");
            hub.publish(Topic::Intent, "i1");
            tokio::time::timeout(Duration::from_secs(1), notified)
                .await
                .expect("woken");
        }
        assert_eq!(hub.len(), 1);
        drop(sub);
        assert!(hub.is_empty());
    }
}
