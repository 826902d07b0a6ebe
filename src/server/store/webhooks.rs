//! Webhook rows (spec §9.2, §7.6): subscriptions, ingested or raised events and one
//! delivery per (event, subscription). Written and read inside writer jobs only (`Tx`),
//! so a delivery's state changes with the timer that drives it, in one transaction.

use super::StoreResult;

/// The webhook tables inside a writer transaction ([`Tx::webhooks`](super::Tx::webhooks)):
/// each store implements it on its writer connection.
pub trait WebhookTable {
    fn subscription(&mut self, subscription_id: &str) -> StoreResult<Option<SubscriptionRow>>;
    /// Every subscription of `owner` in the workspace, revoked ones too, oldest first.
    fn subscriptions(
        &mut self,
        workspace_id: &str,
        owner: &str,
    ) -> StoreResult<Vec<SubscriptionRow>>;
    fn put_subscription(&mut self, row: &SubscriptionRow) -> StoreResult<()>;
    fn event(&mut self, event_id: &str) -> StoreResult<Option<WebhookEventRow>>;
    fn put_event(&mut self, row: &WebhookEventRow) -> StoreResult<()>;
    /// The deliveries of an event, by subscription id.
    fn deliveries(&mut self, event_id: &str) -> StoreResult<Vec<WebhookDeliveryRow>>;
    fn put_delivery(&mut self, row: &WebhookDeliveryRow) -> StoreResult<()>;
}

/// A subscription: its owner (canonical address) in a workspace, where and what it is
/// sent, the signing secret (sealed by the engine before it is stored) and its JSON view.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionRow {
    pub subscription_id: String,
    pub workspace_id: String,
    pub owner: String,
    pub callback_url: String,
    pub secret: Option<String>,
    pub active: bool,
    pub revoked_at: Option<String>,
    /// `protocol::webhook::Subscription` as JSON.
    pub body: String,
}

/// An event as accepted: its payload JSON is delivered as given.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEventRow {
    pub event_id: String,
    pub workspace_id: String,
    pub owner: String,
    pub event_type: String,
    pub source: String,
    pub payload: String,
    pub created_at: String,
}

/// Where one delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Delivered,
    DeadLettered,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::DeadLettered => "dead_lettered",
        }
    }

    /// A stored name; an unknown one reads as pending (it is tried again, never lost).
    pub fn parse(s: &str) -> DeliveryState {
        match s {
            "delivered" => DeliveryState::Delivered,
            "dead_lettered" => DeliveryState::DeadLettered,
            _ => DeliveryState::Pending,
        }
    }
}

/// One event to one subscription: attempts made so far and the last failure.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDeliveryRow {
    pub event_id: String,
    pub subscription_id: String,
    pub state: DeliveryState,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub updated_at: String,
}
