//! `POST /v1/scenarios/apply` answer (spec §6.3). Fields are in the order the gateway has
//! always written them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::protocol::delivery::DeliveryMode;
use crate::protocol::event::PendingWith;
use crate::protocol::status::Status;
use crate::protocol::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApplyResponse {
    #[serde(default)]
    pub agents: Vec<ProvisionedAgent>,
    /// The same list under the name other clients read.
    #[serde(default)]
    pub agents_provisioned: Vec<ProvisionedAgent>,
    #[serde(default)]
    pub compile_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub deadline_at: Option<Timestamp>,
    /// True when this answer is the replay of an earlier apply with the same key.
    #[serde(default)]
    pub idempotent: bool,
    /// The parent intent.
    pub intent_id: String,
    #[serde(default)]
    pub ok: bool,
    #[serde(default)]
    pub pending_with: Option<PendingWith>,
    #[serde(default)]
    pub scenario_id: Option<String>,
    pub status: Status,
    #[serde(default)]
    pub workflow_compile_id: Option<String>,
}

/// One agent of the bundle as apply resolved it. `callback_secret` is shown once, when
/// apply made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProvisionedAgent {
    pub address: String,
    #[serde(default)]
    pub agent_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_secret: Option<String>,
    #[serde(default)]
    pub callback_url: Option<String>,
    /// The account was created by this apply.
    #[serde(default)]
    pub created: bool,
    #[serde(default)]
    pub delivery_mode: Option<DeliveryMode>,
    pub role: String,
    #[serde(default)]
    pub sa_id: Option<String>,
    #[serde(default)]
    pub service_account_id: Option<String>,
}
