//! Lifecycle events (spec §2.1–2.2): the append-only log that is the truth of an intent.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::status::{Status, WaitingReason};
use super::task::HumanTask;
use super::time::Timestamp;

/// Event type names emitted by the gateway.
pub mod kind {
    pub const CREATED: &str = "intent.created";
    pub const SUBMITTED: &str = "intent.submitted";
    pub const DELIVERED: &str = "intent.delivered";
    pub const IN_PROGRESS: &str = "intent.in_progress";
    pub const WAITING: &str = "intent.waiting";
    pub const COMPLETED: &str = "intent.completed";
    pub const FAILED: &str = "intent.failed";
    pub const CANCELED: &str = "intent.canceled";
    pub const TIMED_OUT: &str = "intent.timed_out";
    pub const REMINDER: &str = "intent.reminder";
    pub const ESCALATED: &str = "intent.escalated";
    pub const DELIVERY_FAILED: &str = "intent.delivery_failed";
    pub const HUMAN_TASK_ASSIGNED: &str = "intent.human_task_assigned";
    /// Not an intent event: the frame that ends an idle SSE response.
    pub const STREAM_TIMEOUT: &str = "stream.timeout";
}

/// Who holds a waiting intent right now (`pending_with`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PendingWith {
    /// `agent`, `human` or `internal`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One entry of an intent's event log, as `/events`, the SSE streams and resolve return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IntentEvent {
    pub intent_id: String,
    /// Per intent: 1, 2, 3 … with no gaps.
    pub seq: u64,
    pub event_type: String,
    /// The intent's status after this event.
    pub status: Status,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_reason: Option<WaitingReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_with: Option<PendingWith>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_task: Option<HumanTask>,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub details: Value,
}

impl IntentEvent {
    /// Terminal by status or by name, the way the official SDKs decide it.
    pub fn is_terminal(&self) -> bool {
        self.status.is_terminal()
            || matches!(
                self.event_type.as_str(),
                kind::COMPLETED | kind::FAILED | kind::CANCELED | kind::TIMED_OUT
            )
    }
}

/// `GET /v1/intents/{id}/events`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventsResponse {
    pub ok: bool,
    pub events: Vec<IntentEvent>,
}
