//! Webhooks (spec §9.2, §7.6): subscriptions, ingested events and the delivery counters
//! their answers carry, and the body a subscriber receives. The gateway writes these and
//! the CLI's `axme webhooks` reads them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::Timestamp;

/// Every event type a subscription may name and `POST /v1/webhooks/events` accepts.
/// `inbox.*` are also raised by the gateway itself when it writes an inbox thread (a
/// finished intent's completion, a reply, an owner's action), `auth.session_revoked` when
/// a login session ends (logout, console sign-out).
pub const EVENT_TYPES: [&str; 5] = [
    INBOX_THREAD_CREATED,
    INBOX_THREAD_UPDATED,
    INBOX_REPLY_RECEIVED,
    INVITE_ACCEPTED,
    AUTH_SESSION_REVOKED,
];

pub const INBOX_THREAD_CREATED: &str = "inbox.thread_created";
pub const INBOX_THREAD_UPDATED: &str = "inbox.thread_updated";
pub const INBOX_REPLY_RECEIVED: &str = "inbox.reply_received";
pub const AUTH_SESSION_REVOKED: &str = "auth.session_revoked";
/// Raised by the gateway when an invite of the owner is accepted (`http/invites.rs`).
pub const INVITE_ACCEPTED: &str = "invite.accepted";

/// `POST /v1/webhooks/subscriptions` body. A subscription of the same owner and
/// `callback_url` that is not revoked is updated in place (the SDK calls this "upsert").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UpsertSubscriptionRequest {
    /// `http://` or `https://`, 8 to 2048 characters.
    pub callback_url: String,
    /// 1 to 32 of the event types (see `EVENT_TYPES`).
    pub event_types: Vec<String>,
    /// The HMAC key of `X-Axme-Signature` (16 to 128 characters); one is made (and shown
    /// once, as `secret`) when a new subscription gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A subscription as shown (the secret never is; `secret_hint` is its last characters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Subscription {
    pub subscription_id: String,
    pub owner_agent: String,
    pub callback_url: String,
    pub event_types: Vec<String>,
    pub active: bool,
    #[serde(default)]
    pub description: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub revoked_at: Option<Timestamp>,
    #[serde(default)]
    pub secret_hint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionResponse {
    pub ok: bool,
    pub subscription: Subscription,
    /// The signing secret, only in the answer that made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionsResponse {
    pub ok: bool,
    pub subscriptions: Vec<Subscription>,
}

/// `DELETE /v1/webhooks/subscriptions/{id}` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RevokeSubscriptionResponse {
    pub ok: bool,
    pub subscription_id: String,
    pub revoked_at: Timestamp,
}

/// `POST /v1/webhooks/events` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublishEventRequest {
    pub event_type: String,
    /// Who raised it (2 to 100 characters).
    pub source: String,
    /// Any JSON object, delivered as given.
    #[schema(value_type = Object)]
    pub payload: Value,
}

/// Where an event's deliveries stand, one per subscription it was queued for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryCounts {
    /// Deliveries queued by this request.
    pub queued_deliveries: u32,
    /// Deliveries of the event that have an outcome (delivered or dead-lettered).
    pub processed_deliveries: u32,
    pub delivered: u32,
    /// Still being tried.
    pub pending: u32,
    /// Every attempt failed; `replay` queues them again.
    pub dead_lettered: u32,
}

/// `POST /v1/webhooks/events` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublishEventResponse {
    pub ok: bool,
    pub accepted_at: Timestamp,
    pub event_type: String,
    pub source: String,
    pub owner_agent: String,
    pub event_id: String,
    #[serde(flatten)]
    pub counts: DeliveryCounts,
}

/// `POST /v1/webhooks/events/{event_id}/replay` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReplayEventResponse {
    pub ok: bool,
    pub event_id: String,
    pub owner_agent: String,
    pub event_type: String,
    pub replayed_at: Timestamp,
    #[serde(flatten)]
    pub counts: DeliveryCounts,
}

/// What a subscriber receives: `POST <callback_url>` with this JSON body, signed
/// `X-Axme-Signature: sha256=<hex HMAC-SHA256(secret, body)>` like HTTP push (spec §7.3),
/// with `X-Axme-Event-Id`, `X-Axme-Event-Type` and `X-Axme-Attempt` headers. The same
/// event may arrive more than once (retries, replay): deduplicate on `event_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookDelivery {
    pub event_id: String,
    pub event_type: String,
    pub source: String,
    pub owner_agent: String,
    pub subscription_id: String,
    pub occurred_at: Timestamp,
    #[schema(value_type = Object)]
    pub payload: Value,
}
