//! The engine's hook into every write ([`Reactor`]); timers are in [`timers`].
//!
//! Runs inside the writer's transaction: when an intent changes, its timers are cleared
//! or re-armed, a finished step advances its workflow, and a finished intent with
//! `reply_to` gets its inbox thread — all committed with the change that caused them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde_json::{Value, json};

use super::timers::{self, Timer};
use super::workflow;
use crate::protocol::access::ReceivePolicy;
use crate::protocol::event::kind;
use crate::protocol::{DeliveryMode, Intent, Status, Timestamp};
use crate::server::clock::SharedClock;
use crate::server::sealer::Sealer;
use crate::server::store::{AgentDeliveryRow, Reactor, StoreResult, ThreadRow, Transitioned, Tx};

/// The internal orchestrator: parents of workflows are addressed to it, so no agent
/// stream ever delivers them.
pub const ORCHESTRATOR: &str = "agent://agent_core";

/// Server intervals, all settable from the command line so tests run in seconds.
#[derive(Debug, Clone)]
pub struct Timing {
    /// Window of the first delivery attempt (stream/poll) before it counts as failed.
    pub delivery_first: Duration,
    /// Window of each later attempt.
    pub delivery_retry: Duration,
    /// First push retry delay; later ones are 4× and 20× it (30 s, 120 s, 600 s by default).
    pub push_retry: Duration,
    pub push_timeout: Duration,
    /// Multiplies every duration a bundle gives in seconds (deadlines, retries, reminders).
    pub time_scale: f64,
    pub default_max_delivery_attempts: u32,
    /// The answer lease: a DELIVERED intent whose handler has not answered (progress,
    /// resume, resolve) this long after it was handed over is delivered again.
    pub redeliver_after: Duration,
    /// When silence makes an agent degraded, then unreachable (`engine::mesh`).
    pub mesh: super::mesh::MeshThresholds,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            delivery_first: Duration::from_secs(15),
            delivery_retry: Duration::from_secs(5),
            push_retry: Duration::from_secs(30),
            push_timeout: Duration::from_secs(10),
            time_scale: 1.0,
            default_max_delivery_attempts: 3,
            redeliver_after: Duration::from_secs(300),
            mesh: super::mesh::MeshThresholds::default(),
        }
    }
}

pub struct Engine {
    pub timing: Timing,
    /// Where "now" comes from (timestamps, timer due times).
    pub clock: SharedClock,
    /// Delivery settings per agent address (http push), loaded at start.
    agents: RwLock<HashMap<String, AgentDeliveryRow>>,
    /// Intents written to a live stream right now: intent id → connection id.
    leases: Mutex<HashMap<String, u64>>,
    /// Who listens on each agent address (shown by `GET /v1/agents…`).
    pub listeners: Arc<super::listeners::Listeners>,
    /// Receive policies per agent address, as stored (absent: closed to other workspaces).
    policies: RwLock<HashMap<String, ReceivePolicy>>,
    /// Seals push secrets for the store (`server::sealer`); set once at start.
    sealer: std::sync::OnceLock<Sealer>,
    /// Kills in force and what this node saw of each agent (`GET /v1/mesh/agents`).
    pub mesh: super::mesh::Mesh,
    /// The SMTP relay of `--smtp-url`, if any: `notification` steps mail through it.
    mailer: std::sync::OnceLock<crate::server::mail::Mailer>,
}

impl Engine {
    pub fn new(timing: Timing, agents: Vec<AgentDeliveryRow>, clock: SharedClock) -> Self {
        Engine {
            timing,
            clock,
            agents: RwLock::new(agents.into_iter().map(|a| (a.address.clone(), a)).collect()),
            leases: Mutex::new(HashMap::new()),
            listeners: Arc::default(),
            policies: RwLock::default(),
            sealer: std::sync::OnceLock::new(),
            mesh: super::mesh::Mesh::default(),
            mailer: std::sync::OnceLock::new(),
        }
    }

    pub fn set_mailer(&self, mailer: crate::server::mail::Mailer) {
        let _ = self.mailer.set(mailer);
    }

    pub fn mailer(&self) -> Option<&crate::server::mail::Mailer> {
        self.mailer.get()
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Seconds from a bundle, scaled, in milliseconds.
    pub fn scaled_ms(&self, seconds: u64) -> i64 {
        crate::num::i64_from_f64(
            (crate::num::f64_from_u64(seconds) * 1000.0 * self.timing.time_scale)
                .round()
                .max(1.0),
        )
    }

    pub fn agent(&self, address: &str) -> Option<AgentDeliveryRow> {
        self.agents.read().ok()?.get(address).cloned()
    }

    pub fn set_agent(&self, row: AgentDeliveryRow) {
        if let Ok(mut map) = self.agents.write() {
            map.insert(row.address.clone(), row);
        }
    }

    pub fn set_sealer(&self, sealer: Sealer) {
        let _ = self.sealer.set(sealer);
    }

    /// `row` as the store keeps it: the push secret sealed (never plaintext at rest once
    /// a sealer is set, which `server::build` always does).
    pub fn sealed_row(&self, row: &AgentDeliveryRow) -> AgentDeliveryRow {
        let mut sealed = row.clone();
        if let (Some(sealer), Some(secret)) = (self.sealer.get(), &row.secret)
            && !Sealer::is_sealed(secret)
        {
            sealed.secret = Some(sealer.seal(&row.address, secret));
        }
        sealed
    }

    /// A secret sealed for the row named `owner` (a webhook subscription's id); as given
    /// when no sealer is set (unit tests).
    pub fn seal_secret(&self, owner: &str, plain: &str) -> String {
        match self.sealer.get() {
            Some(sealer) if !Sealer::is_sealed(plain) => sealer.seal(owner, plain),
            _ => plain.to_string(),
        }
    }

    /// The plaintext of a secret stored for the row named `owner`.
    pub fn open_secret(&self, owner: &str, stored: &str) -> Result<String, String> {
        match self.sealer.get() {
            Some(sealer) => sealer.open(owner, stored),
            None => Ok(stored.to_string()),
        }
    }

    /// A stored row with its push secret opened.
    pub fn opened_row(&self, mut row: AgentDeliveryRow) -> Result<AgentDeliveryRow, String> {
        if let (Some(sealer), Some(secret)) = (self.sealer.get(), &row.secret) {
            row.secret = Some(sealer.open(&row.address, secret)?);
        }
        Ok(row)
    }

    /// The receive policy of `address` (closed to other workspaces when none was set).
    pub fn receive_policy(&self, address: &str) -> ReceivePolicy {
        self.policies
            .read()
            .ok()
            .and_then(|map| map.get(address).cloned())
            .unwrap_or_else(|| ReceivePolicy::default_for(address))
    }

    /// Replaces every known policy (at start, and when another node changed one).
    pub fn set_policies(&self, policies: Vec<ReceivePolicy>) {
        if let Ok(mut map) = self.policies.write() {
            *map = policies
                .into_iter()
                .map(|p| (p.address.clone(), p))
                .collect();
        }
    }

    pub fn set_policy(&self, policy: ReceivePolicy) {
        if let Ok(mut map) = self.policies.write() {
            map.insert(policy.address.clone(), policy);
        }
    }

    pub fn is_push(&self, address: &str) -> bool {
        self.agent(address)
            .is_some_and(|a| a.delivery_mode == DeliveryMode::Http && a.callback_url.is_some())
    }

    /// Takes the per-intent lease for a stream connection: false when another live
    /// connection holds it, so two listeners never get the same delivery at once.
    pub fn take_lease(&self, intent_id: &str, connection: u64) -> bool {
        let Ok(mut leases) = self.leases.lock() else {
            return true;
        };
        match leases.get(intent_id) {
            Some(holder) if *holder != connection => false,
            _ => {
                leases.insert(intent_id.to_string(), connection);
                true
            }
        }
    }

    pub fn release_leases(&self, intent_ids: &[String], connection: u64) {
        if let Ok(mut leases) = self.leases.lock() {
            for id in intent_ids {
                if leases.get(id) == Some(&connection) {
                    leases.remove(id);
                }
            }
        }
    }

    pub fn max_attempts(&self, intent: &Intent) -> u32 {
        intent
            .max_delivery_attempts
            .unwrap_or(self.timing.default_max_delivery_attempts)
            .max(1)
    }

    /// A finished intent with `reply_to` leaves its result in the owner's inbox (§7.5).
    fn deliver_completion(
        &self,
        tx: &mut dyn Tx,
        workspace_id: &str,
        intent: &Intent,
        reply_to: &str,
    ) -> StoreResult<()> {
        let at = intent.updated_at.unwrap_or_else(|| self.now()).to_string();
        let content = intent
            .result
            .clone()
            .or(intent.error.clone())
            .unwrap_or(Value::Null);
        let thread = json!({
            "thread_id": intent.intent_id,
            "intent_id": intent.intent_id,
            "status": "done",
            "owner_agent": reply_to,
            "from_agent": intent.from_agent,
            "to_agent": intent.to_agent,
            "intent_type": intent.intent_type,
            "subject": intent.intent_type,
            "created_at": intent.created_at,
            "updated_at": at,
            "completion": {
                "status": intent.status,
                "result": intent.result,
                "error": intent.error,
            },
            "messages": [{
                "message_id": format!("msg-{}", intent.intent_id),
                "role": "agent",
                "content": content.to_string(),
                "at": at,
            }],
            "timeline": [{
                "event_id": uuid::Uuid::new_v4().to_string(),
                "event_type": "intent.completion_delivered",
                "actor": "gateway",
                "at": at,
                "details": { "status": intent.status },
            }],
        });
        // The sender's workspace holds the thread: `reply_to` was made canonical there.
        tx.put_thread(&ThreadRow {
            thread_id: intent.intent_id.clone(),
            workspace_id: workspace_id.to_string(),
            owner: reply_to.to_string(),
            updated_at: at,
            change_seq: 0,
            body: thread.to_string(),
        })?;
        // The owner's webhook subscribers hear of it (the intent's lifecycle ended).
        super::webhooks::notify(
            self,
            tx,
            workspace_id,
            reply_to,
            crate::protocol::webhook::INBOX_THREAD_CREATED,
            json!({
                "thread_id": intent.intent_id,
                "intent_id": intent.intent_id,
                "intent_status": intent.status,
                "thread": thread,
            }),
        )
    }
}

impl Reactor for Engine {
    fn changed(&self, tx: &mut dyn Tx, done: &Transitioned) -> StoreResult<()> {
        let intent = &done.intent;
        if intent.status.is_terminal() {
            if done.previous.is_terminal() {
                return Ok(());
            }
            tx.clear_timers(&intent.intent_id)?;
            if let Some(reply_to) = &intent.reply_to {
                self.deliver_completion(tx, &done.meta.workspace_id, intent, reply_to)?;
            }
            if let Some(parent) = &intent.parent_intent_id {
                workflow::step_ended(self, tx, parent, intent)?;
            }
            if intent.compile_id.is_some() {
                workflow::parent_ended(self, tx, intent)?;
            }
            return Ok(());
        }
        // The answer lease: armed when the intent is handed over, cleared by the handler's
        // first answer; if it expires, the intent is delivered again (`timers::redeliver`).
        let lease = (intent.status == Status::Delivered && done.previous != Status::Delivered)
            .then(|| {
                let due = self.now_ms() + timers::millis(self.timing.redeliver_after);
                Timer::Redeliver.row(&intent.intent_id, due)
            });
        let delivery = Timer::DeliveryAttempt { attempt: 0 }.kind();
        if done.previous == Status::Submitted && intent.status != Status::Submitted {
            // Handed over: the delivery window ends, and becomes the lease.
            match lease {
                Some(lease) => tx.replace_timer(delivery, lease)?,
                None => tx.clear_timer(&intent.intent_id, delivery)?,
            }
        } else if let Some(lease) = lease {
            tx.set_timer(lease)?;
        } else if done.previous == Status::Delivered && intent.status != Status::Delivered {
            tx.clear_timer(&intent.intent_id, Timer::Redeliver.kind())?;
        }
        if intent.compile_id.is_some()
            && let Some(answer) = done.events.iter().rev().find(|e| {
                e.event_type == kind::IN_PROGRESS && e.details.get("task_result").is_some()
            })
        {
            workflow::human_answered(self, tx, intent, &answer.details)?;
        }
        Ok(())
    }
}
