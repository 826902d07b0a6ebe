//! Who listens on each agent address. An agent's stream is a series of short responses (each
//! ends after a delivery or `wait_seconds`), so a listener is known by a key (the
//! `X-Axme-Listener` header a client sends, else the caller's address) and counts as live
//! while a response is open or for [`GRACE`] after the last one: long enough to reconnect.
//! `GET /v1/agents…` shows them (count, since, last seen, stream or poll). In-memory and per
//! node: a listener on another node of a shared database is not seen here.
//!
//! [`Listeners::sweep`], run every second by the server (`run.rs`), names the addresses
//! whose listeners changed — one appeared, expired, or connected or stopped being connected
//! (no open response for [`RECONNECT`]) — for the workspace change streams (`agent.changed`,
//! which the console's Agents page follows).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::protocol::Timestamp;
use crate::protocol::account::ListenerView;

/// How long a listener without an open response still counts as live.
pub const GRACE: Duration = Duration::from_secs(30);

/// How long a listener may be without an open response and still be announced as
/// connected: a stream reconnects at once, and its announcements should not flicker.
pub const RECONNECT: Duration = Duration::from_secs(2);

struct Listener {
    since: Timestamp,
    last_seen: Timestamp,
    seen_at: Instant,
    open: u32,
    polling: bool,
    /// The connected state [`Listeners::sweep`] last announced (`None`: not yet).
    announced: Option<bool>,
}

#[derive(Default)]
pub struct Listeners {
    by_address: Mutex<HashMap<String, HashMap<String, Listener>>>,
}

/// An open agent stream response; dropping it marks the listener's last sighting.
pub struct Listening {
    listeners: Arc<Listeners>,
    address: String,
    key: String,
}

impl Drop for Listening {
    fn drop(&mut self) {
        let mut map = self.listeners.lock();
        if let Some(l) = map
            .get_mut(&self.address)
            .and_then(|m| m.get_mut(&self.key))
        {
            l.open = l.open.saturating_sub(1);
            l.last_seen = Timestamp::now();
            l.seen_at = Instant::now();
        }
    }
}

impl Listeners {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HashMap<String, Listener>>> {
        self.by_address
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A response of listener `key` on `address` opens (`polling`: short waits).
    pub fn open(self: &Arc<Self>, address: &str, key: &str, polling: bool) -> Listening {
        let now = Timestamp::now();
        let mut map = self.lock();
        let listeners = map.entry(address.to_string()).or_default();
        listeners.retain(|_, l| l.open > 0 || l.seen_at.elapsed() < GRACE);
        let l = listeners.entry(key.to_string()).or_insert(Listener {
            since: now,
            last_seen: now,
            seen_at: Instant::now(),
            open: 0,
            polling,
            announced: None,
        });
        l.open += 1;
        l.last_seen = now;
        l.seen_at = Instant::now();
        l.polling = polling;
        Listening {
            listeners: self.clone(),
            address: address.to_string(),
            key: key.to_string(),
        }
    }

    /// Whether anyone listens on `address` now (or did within the grace): [`Listeners::of`]
    /// without building the views (asked on every create).
    pub fn any_live(&self, address: &str) -> bool {
        self.lock().get(address).is_some_and(|m| {
            m.values()
                .any(|l| l.open > 0 || l.seen_at.elapsed() < GRACE)
        })
    }

    /// The live listeners of `address`, longest-serving first.
    pub fn of(&self, address: &str) -> Vec<ListenerView> {
        let map = self.lock();
        let mut live: Vec<ListenerView> = map
            .get(address)
            .into_iter()
            .flat_map(|m| m.values())
            .filter(|l| l.open > 0 || l.seen_at.elapsed() < GRACE)
            .map(|l| ListenerView {
                since: l.since,
                last_seen: if l.open > 0 {
                    Timestamp::now()
                } else {
                    l.last_seen
                },
                connected: l.open > 0,
                mode: if l.polling { "poll" } else { "stream" }.to_string(),
            })
            .collect();
        live.sort_by_key(|l| l.since.unix_ms());
        live
    }

    /// The addresses whose listeners changed since the last sweep (each once, sorted): a
    /// listener appeared, expired (dropped here), or its connected state flipped, where
    /// connected means an open response now or within [`RECONNECT`].
    pub fn sweep(&self, now: Instant) -> Vec<String> {
        let mut map = self.lock();
        let mut changed = Vec::new();
        map.retain(|address, listeners| {
            let before = listeners.len();
            listeners.retain(|_, l| l.open > 0 || now.saturating_duration_since(l.seen_at) < GRACE);
            let mut moved = listeners.len() != before;
            for l in listeners.values_mut() {
                let connected = l.open > 0 || now.saturating_duration_since(l.seen_at) < RECONNECT;
                if l.announced != Some(connected) {
                    l.announced = Some(connected);
                    moved = true;
                }
            }
            if moved {
                changed.push(address.clone());
            }
            !listeners.is_empty()
        });
        changed.sort();
        changed
    }

    /// Addresses under `prefix` (`agent://org/ws/`) with a live listener.
    pub fn addresses_under(&self, prefix: &str) -> Vec<String> {
        let map = self.lock();
        let mut found: Vec<String> = map
            .iter()
            .filter(|(a, m)| {
                a.starts_with(prefix)
                    && m.values()
                        .any(|l| l.open > 0 || l.seen_at.elapsed() < GRACE)
            })
            .map(|(a, _)| a.clone())
            .collect();
        found.sort();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listener_is_live_while_open_and_for_a_grace_after() {
        let listeners = Arc::new(Listeners::default());
        let a = "agent://o/w/echo";
        let first = listeners.open(a, "k1", false);
        let again = listeners.open(a, "k1", false);
        let other = listeners.open(a, "k2", true);
        let live = listeners.of(a);
        assert_eq!(live.len(), 2);
        assert!(live.iter().all(|l| l.connected));
        drop((first, again, other));
        let live = listeners.of(a);
        assert_eq!(live.len(), 2, "still within the grace");
        assert!(live.iter().all(|l| !l.connected));
        assert_eq!(listeners.addresses_under("agent://o/w/"), [a]);
        assert!(listeners.of("agent://o/w/none").is_empty());
        assert!(!listeners.any_live("agent://o/w/none"));
        assert!(listeners.any_live(a));
    }

    #[test]
    fn sweeps_announce_arrivals_disconnects_and_expiry_once() {
        let listeners = Arc::new(Listeners::default());
        let (a, b) = ("agent://o/w/a", "agent://o/w/b");
        let now = Instant::now();
        assert!(listeners.sweep(now).is_empty());
        let first = listeners.open(a, "k1", false);
        let other = listeners.open(b, "k1", false);
        assert_eq!(listeners.sweep(now), [a, b]);
        assert!(listeners.sweep(now).is_empty(), "nothing new");
        // A stream between two responses is still connected; past RECONNECT it is not.
        drop(first);
        let _again = listeners.open(b, "k2", true);
        let later = Instant::now();
        assert_eq!(listeners.sweep(later), [b], "b's second listener");
        let after = later + RECONNECT + Duration::from_millis(10);
        assert_eq!(listeners.sweep(after), [a]);
        assert_eq!(listeners.of(a).len(), 1, "still live within the grace");
        assert!(listeners.sweep(after).is_empty());
        // Past the grace it expires, once; b's open responses keep b.
        let expired = after + GRACE;
        assert_eq!(listeners.sweep(expired), [a]);
        assert!(listeners.of(a).is_empty());
        assert!(listeners.sweep(expired).is_empty());
        assert_eq!(listeners.of(b).len(), 2);
        drop(other);
    }
}
