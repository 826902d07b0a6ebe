//! Invites (spec §9.6): an admin invites someone into its workspace with a single-use
//! token; accepting it with a nick makes the invitee's account (a member of the inviter's
//! workspace), its first API key and its profile in the nick registry.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Timestamp;

/// How long an invite lives unless `ttl_seconds` says otherwise: 7 days.
pub const DEFAULT_TTL_SECONDS: u64 = 7 * 24 * 3600;
pub const MIN_TTL_SECONDS: u64 = 60;
pub const MAX_TTL_SECONDS: u64 = 14 * 24 * 3600;

/// `POST /v1/invites/create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateInviteRequest {
    /// Who invites: the caller's agent or (an admin) one of its workspace's.
    pub owner_agent: String,
    /// Whom the invite is for, as a reminder (an email, a name; 1 to 255 characters).
    #[serde(default)]
    pub recipient_hint: Option<String>,
    /// 60 to 1,209,600 (14 days); default 7 days.
    #[serde(default)]
    pub ttl_seconds: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum InviteStatus {
    Pending,
    Accepted,
    Expired,
}

/// `POST /v1/invites/create` answer: the token is shown here only (the gateway keeps its
/// hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateInviteResponse {
    pub ok: bool,
    pub token: String,
    /// Where the invitee reads the invite (`GET`) and accepts it (`POST …/accept`).
    pub invite_url: String,
    pub owner_agent: String,
    pub recipient_hint: Option<String>,
    pub status: InviteStatus,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// `GET /v1/invites/{token}` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InviteResponse {
    pub ok: bool,
    pub token: String,
    pub owner_agent: String,
    pub recipient_hint: Option<String>,
    pub status: InviteStatus,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    /// The invitee's agent, once accepted.
    pub accepted_owner_agent: Option<String>,
    pub nick: Option<String>,
    pub public_address: Option<String>,
}

/// `POST /v1/invites/{token}/accept`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AcceptInviteRequest {
    /// The invitee's nick (`@name`; registered in the nick registry, and the name of its
    /// account).
    pub nick: String,
    /// 1 to 120 characters.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// `POST /v1/invites/{token}/accept` answer: the invitee's new account, agent and key
/// (the key is shown here only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AcceptInviteResponse {
    pub ok: bool,
    pub token: String,
    pub status: InviteStatus,
    /// Who invited.
    pub invite_owner_agent: String,
    pub user_id: String,
    /// The invitee's new agent address.
    pub owner_agent: String,
    pub nick: String,
    pub public_address: String,
    pub display_name: Option<String>,
    pub accepted_at: Timestamp,
    /// `disabled`: this gateway binds nicks in its own registry only.
    pub registry_bind_status: String,
    pub service_account_id: String,
    pub key_id: String,
    /// The invitee's API key (`x-api-key`).
    pub api_key: String,
}
