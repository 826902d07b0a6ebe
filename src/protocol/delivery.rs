//! Delivery to agents (spec §2.5, §7): the frame an agent receives, over its SSE stream or
//! as the body of an HTTP push, and how each agent wants to receive.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::Intent;
use super::event::kind;
use super::status::Status;
use super::time::Timestamp;

/// One intent delivered to an agent: the `data` of an agent-stream frame and the body of
/// an HTTP push, the same object both ways. Fields are in the order the gateway has always
/// written them, so the bytes (and push signatures over them) are unchanged.
///
/// `P` is how the payload is read: a reader that needs only part of it (`axme bench`)
/// names its own type; everyone else keeps the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentDelivery<P = Value> {
    pub at: Timestamp,
    #[serde(default)]
    pub correlation_id: Option<String>,
    #[serde(default = "delivered")]
    pub event_type: String,
    #[serde(default)]
    pub from_agent: Option<String>,
    pub intent_id: String,
    #[serde(default)]
    pub intent_type: String,
    #[serde(default)]
    pub payload: P,
    /// The per-address delivery cursor (`since` of the next stream request). 0 when a
    /// gateway left it out; the frame's SSE `id` counts then.
    #[serde(default)]
    pub seq: u64,
    /// The intent's status when it was written; a frame without one was delivered.
    #[serde(default = "delivered_status")]
    pub status: Status,
    #[serde(default)]
    pub to_agent: String,
}

fn delivered() -> String {
    kind::DELIVERED.to_string()
}

fn delivered_status() -> Status {
    Status::Delivered
}

impl AgentDelivery<Value> {
    /// The frame for `intent` at delivery cursor `seq`.
    pub fn of(intent: &Intent, seq: u64, at: Timestamp) -> Self {
        AgentDelivery {
            at,
            correlation_id: intent.correlation_id.clone(),
            event_type: kind::DELIVERED.to_string(),
            from_agent: intent.from_agent.clone(),
            intent_id: intent.intent_id.clone(),
            intent_type: intent.intent_type.clone(),
            payload: intent.payload.clone(),
            seq,
            status: intent.status,
            to_agent: intent.to_agent.clone(),
        }
    }
}

/// How an agent receives its intents (spec §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryMode {
    /// Its SSE stream (`/v1/agents/{address}/intents/stream`); the default.
    Stream,
    /// It polls the same stream.
    Poll,
    /// The gateway POSTs each delivery to its `callback_url`, signed.
    Http,
    /// Results land in an inbox; nothing is delivered.
    Inbox,
    /// Completed by the runtime itself (scenario agents with a fixed outcome).
    Internal,
}

impl DeliveryMode {
    pub const ALL: [DeliveryMode; 5] = [
        DeliveryMode::Stream,
        DeliveryMode::Poll,
        DeliveryMode::Http,
        DeliveryMode::Inbox,
        DeliveryMode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryMode::Stream => "stream",
            DeliveryMode::Poll => "poll",
            DeliveryMode::Http => "http",
            DeliveryMode::Inbox => "inbox",
            DeliveryMode::Internal => "internal",
        }
    }

    /// `stream, poll, http, inbox, internal`, for messages.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

impl fmt::Display for DeliveryMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Any case: `HTTP` and `Http` are `http`.
impl FromStr for DeliveryMode {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        let lower = raw.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == lower)
            .ok_or_else(|| format!("'{lower}' is not one of {}", Self::names()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_in_any_case_and_print_lowercase() {
        assert_eq!("HTTP".parse::<DeliveryMode>(), Ok(DeliveryMode::Http));
        assert!("carrier-pigeon".parse::<DeliveryMode>().is_err());
        assert_eq!(
            serde_json::to_string(&DeliveryMode::Internal).unwrap(),
            "\"internal\""
        );
    }

    #[test]
    fn a_frame_keeps_the_bytes_it_always_had() {
        let frame = AgentDelivery {
            at: "2026-02-28T00:00:10Z".parse().unwrap(),
            correlation_id: None,
            event_type: kind::DELIVERED.into(),
            from_agent: Some("agent://o/w/a".into()),
            intent_id: "i".into(),
            intent_type: "x.v1".into(),
            payload: serde_json::json!({"k": 1}),
            seq: 4,
            status: Status::Delivered,
            to_agent: "agent://o/w/b".into(),
        };
        assert_eq!(
            serde_json::to_string(&frame).unwrap(),
            r#"{"at":"2026-02-28T00:00:10.000Z","correlation_id":null,"event_type":"intent.delivered","from_agent":"agent://o/w/a","intent_id":"i","intent_type":"x.v1","payload":{"k":1},"seq":4,"status":"DELIVERED","to_agent":"agent://o/w/b"}"#
        );
    }
}
