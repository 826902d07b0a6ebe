//! Agents, service accounts, keys and workspaces as the gateway shows them (spec §3.11,
//! §9.3). Every service account is an agent at `agent://org/workspace/name`. Fields are in
//! the order the gateway has always written them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::{Role, Scopes};
use super::delivery::DeliveryMode;
use super::time::Timestamp;

/// An entry of `GET /v1/agents` and the `agent` of `GET /v1/agents/{address}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AgentView {
    pub address: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub service_account_id: Option<String>,
    #[serde(default)]
    pub service_account_name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// Only on the single-agent read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// axme extension: how the gateway delivers to this agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_mode: Option<DeliveryMode>,
    /// axme extension: who listens on this address now (stream and poll agents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<ListenerView>>,
    /// axme extension: intents addressed here that have not ended (capped at 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<u64>,
    /// axme extension: false for an address that has listeners but no service account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered: Option<bool>,
    /// axme extension: its health in the mesh (see `GET /v1/mesh/agents`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_status: Option<super::mesh::Health>,
}

/// One live listener of an agent address (axme extension of the agents routes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ListenerView {
    /// Its first response on this address.
    pub since: Timestamp,
    /// Now while a response is open, else when the last one ended.
    pub last_seen: Timestamp,
    /// A response is open right now.
    pub connected: bool,
    /// `stream` (long waits) or `poll` (short ones).
    pub mode: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AgentsResponse {
    pub agents: Vec<AgentView>,
    #[serde(default)]
    pub ok: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AgentResponse {
    pub agent: AgentView,
    #[serde(default)]
    pub ok: bool,
}

/// How an agent is delivered to, when it was configured (`PATCH /v1/service-accounts/{id}`
/// or a scenario bundle). The push secret is never shown here except once, right after it
/// was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeliverySettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_secret: Option<String>,
    #[serde(default)]
    pub callback_url: Option<String>,
    /// Not required in the schema: these fields are flattened into an account that may
    /// have none of them.
    #[schema(required = false)]
    pub delivery_mode: DeliveryMode,
}

/// A service account (`/v1/service-accounts…`). `id` and `service_account_id`, `address`
/// and `agent_address` carry the same value under the names different clients read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceAccountView {
    pub address: String,
    #[serde(default)]
    pub agent_address: Option<String>,
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<DeliverySettings>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub created_by_actor_id: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub org_id: Option<String>,
    /// `admin`, `member` or `agent` (what the account sees; see `protocol::access`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    pub service_account_id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub workspace_id: Option<String>,
}

/// An API key. `token` is present once, in the answer that minted it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct KeyView {
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub key_hint: Option<String>,
    pub key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// What the key may do (within its account's role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Scopes>,
    pub service_account_id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkspaceView {
    pub address_prefix: String,
    pub created_at: String,
    pub name: String,
    pub org_id: String,
    pub workspace_id: String,
}

/// `POST /v1/workspaces`: the workspace with its admin account and key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateWorkspaceResponse {
    pub admin_key: KeyView,
    #[serde(default)]
    pub ok: bool,
    pub service_account: ServiceAccountView,
    pub workspace: WorkspaceView,
}

/// `POST`/`GET`/`PATCH` of one service account. A PATCH that made a push secret shows it
/// once, here and in `service_account.callback_secret`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceAccountResponse {
    /// `service_account.address`, at the top level for runners that read it there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_secret: Option<String>,
    #[serde(default)]
    pub ok: bool,
    pub service_account: ServiceAccountView,
    /// `service_account.service_account_id`, at the top level for runners that read it
    /// there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_id: Option<String>,
}

impl ServiceAccountResponse {
    /// The answer for `view`, with the top-level aliases filled in.
    pub fn of(service_account: ServiceAccountView, callback_secret: Option<String>) -> Self {
        ServiceAccountResponse {
            address: Some(service_account.address.clone()),
            callback_secret,
            ok: true,
            service_account_id: Some(service_account.service_account_id.clone()),
            service_account,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceAccountsResponse {
    #[serde(default)]
    pub ok: bool,
    pub service_accounts: Vec<ServiceAccountView>,
}

/// `DELETE /v1/service-accounts/{id}`: the account, now `revoked`, and how many keys it
/// held (all revoked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeleteServiceAccountResponse {
    pub ok: bool,
    pub deleted: bool,
    pub service_account_id: String,
    pub keys_revoked: u64,
    pub service_account: ServiceAccountView,
}

/// `POST …/keys` and `POST …/keys/{key_id}/revoke`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct KeyResponse {
    /// `key.token` at the top level, in the answer that minted it (runners read `api_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    pub key: KeyView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    #[serde(default)]
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_id: Option<String>,
}

impl KeyResponse {
    /// The answer for `key`, with the top-level aliases filled in.
    pub fn of(key: KeyView) -> Self {
        KeyResponse {
            api_key: key.token.clone(),
            key_id: Some(key.key_id.clone()),
            ok: true,
            service_account_id: Some(key.service_account_id.clone()),
            key,
        }
    }
}

/// `POST /v1/workspaces` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateWorkspaceRequest {
    /// The workspace's slug (its address is `agent://org/<name>/…`).
    pub name: String,
}

/// `POST /v1/service-accounts` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateServiceAccountRequest {
    /// A slug, or the agent's full address in the caller's workspace.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Default `agent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Must be the caller's own when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// Must be the caller's own when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

/// `POST /v1/service-accounts/{sa_id}/keys` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateKeyRequest {
    /// What the key may do, within its account's role; absent: all the role allows. The
    /// server also reads one space-separated string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Scopes>,
}

/// `PATCH /v1/service-accounts/{sa_id}` body: how the agent is delivered to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PatchServiceAccountRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_mode: Option<DeliveryMode>,
    /// Where pushes go (`http` mode); `null` clears it, absent keeps it.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub callback_url: Option<Option<String>>,
    /// Mint a new push signing secret (shown once in the answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate_secret: Option<bool>,
}

/// A field that may be absent (`None`), `null` (`Some(None)`) or a value, with
/// `#[serde(default)]`: serde's `Option` alone reads both absent and `null` as `None`.
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
