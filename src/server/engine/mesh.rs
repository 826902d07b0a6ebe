//! The agent mesh in memory (spec §9.4): which agents are killed (loaded from the store at
//! start and changed only after a committed kill or resume), and what this node has seen
//! of each address — listeners coming and going, deliveries handed over, push outcomes,
//! delivery failures, the agent's own resumes. [`judge`] turns that, the last heartbeat
//! (stored) and the live listeners into a [`Health`]. Times come from the engine's clock.
//! Per node, like the listeners: with several nodes each judges from what it saw.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use crate::protocol::Timestamp;
use crate::protocol::mesh::Health;

/// When silence turns an agent degraded, then unreachable (server settings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeshThresholds {
    /// No heartbeat or listener for this long (three missed 30 s beats): degraded. Also how
    /// recent a failed delivery or push must be to count, and how long a handed-over
    /// intent may go unanswered.
    pub degraded_after: Duration,
    /// No heartbeat or listener for this long: unreachable.
    pub unreachable_after: Duration,
}

impl Default for MeshThresholds {
    fn default() -> Self {
        MeshThresholds {
            degraded_after: Duration::from_secs(90),
            unreachable_after: Duration::from_secs(300),
        }
    }
}

/// A kill in force: when, and who did it.
#[derive(Debug, Clone, PartialEq)]
pub struct Kill {
    pub at: Timestamp,
    pub by: String,
}

/// What this node saw of one address lately.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signals {
    /// A listener's response opened or ended.
    pub listener_seen: Option<Timestamp>,
    /// An intent was handed to it (stream write or push 2xx).
    pub delivered: Option<Timestamp>,
    /// It answered one of its intents (resume, resolve).
    pub answered: Option<Timestamp>,
    pub push_ok: Option<Timestamp>,
    pub push_failed: Option<Timestamp>,
    /// A delivery attempt window passed (or a push failed) without delivery.
    pub delivery_failed: Option<Timestamp>,
}

#[derive(Default)]
pub struct Mesh {
    // std locks: held for a map lookup or insert, never across an await.
    killed: RwLock<HashMap<String, Kill>>,
    signals: Mutex<HashMap<String, Signals>>,
    /// Dashboard tokens: sha256 → (service account, expiry in Unix ms). Single use.
    dashboard: Mutex<HashMap<[u8; 32], (String, i64)>>,
}

impl Mesh {
    /// The kills in force, as stored (start-up and reloads).
    pub fn load_kills(&self, kills: impl IntoIterator<Item = (String, Kill)>) {
        if let Ok(mut map) = self.killed.write() {
            *map = kills.into_iter().collect();
        }
    }

    pub fn kill(&self, address: &str, kill: Kill) {
        if let Ok(mut map) = self.killed.write() {
            map.insert(address.to_string(), kill);
        }
    }

    pub fn resume(&self, address: &str) {
        if let Ok(mut map) = self.killed.write() {
            map.remove(address);
        }
    }

    pub fn killed(&self, address: &str) -> Option<Kill> {
        self.killed.read().ok()?.get(address).cloned()
    }

    pub fn signals(&self, address: &str) -> Signals {
        self.lock().get(address).cloned().unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Signals>> {
        self.signals
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn note(
        &self,
        address: &str,
        at: Timestamp,
        field: fn(&mut Signals) -> &mut Option<Timestamp>,
    ) {
        *field(self.lock().entry(address.to_string()).or_default()) = Some(at);
    }

    pub fn listener_seen(&self, address: &str, at: Timestamp) {
        self.note(address, at, |s| &mut s.listener_seen);
    }

    pub fn delivered(&self, address: &str, at: Timestamp) {
        self.note(address, at, |s| &mut s.delivered);
    }

    pub fn answered(&self, address: &str, at: Timestamp) {
        self.note(address, at, |s| &mut s.answered);
    }

    pub fn push_outcome(&self, address: &str, at: Timestamp, ok: bool) {
        if ok {
            self.note(address, at, |s| &mut s.push_ok);
        } else {
            self.note(address, at, |s| &mut s.push_failed);
        }
    }

    pub fn delivery_failed(&self, address: &str, at: Timestamp) {
        self.note(address, at, |s| &mut s.delivery_failed);
    }

    /// Keeps a new dashboard token (hashed) for `sa_id` until `expires_ms`.
    pub fn issue_dashboard_token(&self, token: &str, sa_id: &str, expires_ms: i64) {
        let mut map = self.dashboard.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (_, until)| *until > expires_ms - 3_600_000);
        map.insert(
            super::directory::hash_secret(token),
            (sa_id.to_string(), expires_ms),
        );
    }

    /// The account a dashboard token was issued to, once, if it has not expired.
    // Nothing redeems one yet: the dashboard it opens (spec §9.4, `mesh dashboard`) is not
    // served by this gateway.
    #[allow(dead_code)]
    pub fn redeem_dashboard_token(&self, token: &str, now_ms: i64) -> Option<String> {
        let mut map = self.dashboard.lock().unwrap_or_else(|p| p.into_inner());
        let (sa_id, until) = map.remove(&super::directory::hash_secret(token))?;
        (until > now_ms).then_some(sa_id)
    }
}

/// Everything [`judge`] weighs for one address.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub killed: bool,
    pub last_heartbeat: Option<Timestamp>,
    /// A listener's response is open right now.
    pub connected: bool,
    pub signals: Signals,
}

/// The health of an address and why, at `now`.
pub fn judge(e: &Evidence, now: Timestamp, t: MeshThresholds) -> (Health, String) {
    if e.killed {
        return (
            Health::Killed,
            "killed: deliveries and sends refused".into(),
        );
    }
    let age = |at: Option<Timestamp>| {
        at.map(|at| {
            Duration::from_millis(crate::num::u64_from_i64(
                (now.unix_ms() - at.unix_ms()).max(0),
            ))
        })
    };
    let within = |at: Option<Timestamp>, limit: Duration| age(at).is_some_and(|a| a < limit);
    let s = &e.signals;
    // The freshest sign of life: a heartbeat, a listener, a successful push.
    let last_sign = [e.last_heartbeat, s.listener_seen, s.push_ok]
        .into_iter()
        .flatten()
        .max_by_key(|t| t.unix_ms());
    if !e.connected && last_sign.is_none() {
        return (
            Health::Unknown,
            "never heard from: no heartbeat, no listener".into(),
        );
    }
    let silent = if e.connected { None } else { age(last_sign) };
    if silent.is_some_and(|a| a >= t.unreachable_after) {
        return (
            Health::Unreachable,
            format!(
                "no heartbeat or listener for {}",
                humantime::format_duration(Duration::from_secs(
                    silent.unwrap_or_default().as_secs()
                ))
            ),
        );
    }
    if within(s.push_failed, t.degraded_after)
        && s.push_failed.map(|t| t.unix_ms()) > s.push_ok.map(|t| t.unix_ms())
    {
        return (Health::Degraded, "its HTTP push endpoint is failing".into());
    }
    if within(s.delivery_failed, t.degraded_after) {
        return (
            Health::Degraded,
            "a delivery attempt failed recently".into(),
        );
    }
    if let Some(handed) = s.delivered
        && s.answered.is_none_or(|a| a.unix_ms() < handed.unix_ms())
        && !within(Some(handed), t.degraded_after)
    {
        return (
            Health::Degraded,
            "no answer to an intent handed over a while ago".into(),
        );
    }
    if silent.is_some_and(|a| a >= t.degraded_after) {
        return (Health::Degraded, "heartbeats are late".into());
    }
    if e.connected {
        (Health::Healthy, "listening now".into())
    } else {
        (Health::Healthy, "heartbeat received recently".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Option<Timestamp> {
        Timestamp::from_unix_ms(1_800_000_000_000 + s * 1000)
    }

    fn health(e: &Evidence, now_s: i64) -> Health {
        judge(e, at(now_s).unwrap(), MeshThresholds::default()).0
    }

    #[test]
    fn silence_degrades_then_makes_unreachable() {
        let mut e = Evidence::default();
        assert_eq!(health(&e, 0), Health::Unknown);
        e.last_heartbeat = at(0);
        assert_eq!(health(&e, 10), Health::Healthy);
        assert_eq!(health(&e, 100), Health::Degraded);
        assert_eq!(health(&e, 301), Health::Unreachable);
        e.connected = true;
        assert_eq!(health(&e, 301), Health::Healthy, "a live listener counts");
        e.killed = true;
        assert_eq!(health(&e, 301), Health::Killed);
    }

    #[test]
    fn a_dashboard_token_is_single_use_and_expires() {
        let mesh = Mesh::default();
        mesh.issue_dashboard_token("t1", "sa_1", 1000);
        assert_eq!(
            mesh.redeem_dashboard_token("t1", 10).as_deref(),
            Some("sa_1")
        );
        assert_eq!(mesh.redeem_dashboard_token("t1", 10), None);
        mesh.issue_dashboard_token("t2", "sa_1", 1000);
        assert_eq!(mesh.redeem_dashboard_token("t2", 1000), None);
    }

    #[test]
    fn failures_and_unanswered_work_degrade() {
        let mut e = Evidence {
            connected: true,
            ..Evidence::default()
        };
        e.signals.delivery_failed = at(0);
        assert_eq!(health(&e, 10), Health::Degraded);
        assert_eq!(
            health(&e, 200),
            Health::Healthy,
            "an old failure is forgotten"
        );
        e.signals.push_failed = at(190);
        assert_eq!(health(&e, 200), Health::Degraded);
        e.signals.push_ok = at(195);
        assert_eq!(health(&e, 200), Health::Healthy, "the push works again");
        e.signals.delivered = at(0);
        assert_eq!(health(&e, 200), Health::Degraded);
        e.signals.answered = at(50);
        assert_eq!(health(&e, 200), Health::Healthy);
    }
}
