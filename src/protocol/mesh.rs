//! The agent mesh (spec §9.4): heartbeats, the health of each agent, the kill switch and
//! its events, as the official SDKs send and read them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::time::Timestamp;

/// An agent's health as the gateway judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Healthy,
    Degraded,
    Unreachable,
    Killed,
    /// Never heard from: no heartbeat and no listener yet.
    Unknown,
}

impl Health {
    pub const ALL: [Health; 5] = [
        Health::Healthy,
        Health::Degraded,
        Health::Unreachable,
        Health::Killed,
        Health::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Degraded => "degraded",
            Health::Unreachable => "unreachable",
            Health::Killed => "killed",
            Health::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Health {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Health::ALL
            .into_iter()
            .find(|h| h.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown health '{s}' (healthy, degraded, unreachable, killed, unknown)")
            })
    }
}

/// `POST /v1/mesh/heartbeat` body (all optional: the SDKs send `{}` or only `metrics`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HeartbeatRequest {
    /// Whose heartbeat: the caller's own address when absent; an admin's key may name
    /// another agent of its workspace (a bare name or a full address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// What the agent reports (`intents_total`, `intents_succeeded`, `intents_failed`,
    /// `avg_latency_ms`, `cost_usd`, or anything else), kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Map<String, Value>>,
}

/// `POST /v1/mesh/agents/{id}/kill` and `…/resume` body (optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeshSwitchRequest {
    /// Why, recorded in the event's `details` (at most 500 characters are kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /v1/auth/dashboard-token` body: none is needed; the token is for the caller.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DashboardTokenRequest {}

/// `POST /v1/mesh/heartbeat` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HeartbeatResponse {
    pub ok: bool,
    pub address: String,
    pub health_status: Health,
    pub received_at: Timestamp,
}

/// One agent of `GET /v1/mesh/agents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeshAgent {
    /// The service account id, or the address for a listened-on name without an account.
    pub address_id: String,
    pub address: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub health_status: Health,
    /// Why it has that health, in a few words.
    #[serde(default)]
    pub health_reason: String,
    #[serde(default)]
    pub last_heartbeat_at: Option<Timestamp>,
    #[serde(default)]
    pub created_at: Option<String>,
    /// Intents addressed to it in the window.
    #[serde(default)]
    pub intents_period: u64,
    /// Cost its last heartbeat reported (`metrics.cost_usd`).
    #[serde(default)]
    pub cost_period: f64,
    /// The last heartbeat's metrics, as sent.
    #[serde(default)]
    pub metadata: Value,
    #[serde(default)]
    pub live_listeners: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub killed_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub killed_by: Option<String>,
}

/// How many agents are in each health.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeshSummary {
    pub total: u64,
    pub healthy: u64,
    pub degraded: u64,
    pub unreachable: u64,
    pub killed: u64,
    #[serde(default)]
    pub unknown: u64,
}

impl MeshSummary {
    pub fn of(agents: &[MeshAgent]) -> Self {
        let mut s = MeshSummary::default();
        for a in agents {
            s.total += 1;
            match a.health_status {
                Health::Healthy => s.healthy += 1,
                Health::Degraded => s.degraded += 1,
                Health::Unreachable => s.unreachable += 1,
                Health::Killed => s.killed += 1,
                Health::Unknown => s.unknown += 1,
            }
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeshAgentsResponse {
    pub ok: bool,
    pub agents: Vec<MeshAgent>,
    pub summary: MeshSummary,
    /// `day`, `week` or `month`: the period of `intents_period`.
    #[serde(default)]
    pub window: String,
}

/// `GET /v1/mesh/agents/{id}` and the kill/resume answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeshAgentResponse {
    pub ok: bool,
    pub agent: MeshAgent,
    /// Its latest mesh events, newest first.
    #[serde(default)]
    pub events: Vec<MeshEvent>,
}

/// One entry of `GET /v1/mesh/events`: a kill or a resume, with who did it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeshEvent {
    pub event_id: String,
    pub address: String,
    /// `agent.killed` or `agent.resumed`.
    pub event_type: String,
    #[serde(default)]
    pub details: Value,
    /// The address of the caller who did it.
    pub actor_id: String,
    pub created_at: Timestamp,
}

pub mod event_type {
    pub const KILLED: &str = "agent.killed";
    pub const RESUMED: &str = "agent.resumed";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeshEventsResponse {
    pub ok: bool,
    pub events: Vec<MeshEvent>,
}

/// The terminal frame a killed agent's open stream receives (SSE event `agent.killed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct KilledFrame {
    pub address: String,
    pub health_status: Health,
    pub killed_at: Timestamp,
    pub killed_by: String,
    pub message: String,
}

/// `POST /v1/auth/dashboard-token` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DashboardToken {
    pub ok: bool,
    pub token: String,
    /// Seconds.
    pub expires_in: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_names_round_trip() {
        for h in Health::ALL {
            assert_eq!(h.as_str().parse::<Health>(), Ok(h));
            assert_eq!(serde_json::to_value(h).unwrap(), h.as_str());
        }
        assert!("sick".parse::<Health>().is_err());
    }
}
