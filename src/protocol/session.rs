//! A signed-in person's sessions and the caller's own identity: `GET /v1/auth/sessions`,
//! `POST /v1/auth/sessions/revoke`, `POST /v1/auth/logout-all` and `GET /v1/me`. Field
//! names as the public Go CLI reads them (`axme session list`, `axme logout`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::{Role, Scopes};
use super::account::ServiceAccountView;

/// One login session of the caller's user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionView {
    pub session_id: String,
    /// The session of the access token that asked.
    pub is_current: bool,
    /// `active`, `revoked` or `expired` (its refresh token is past its life).
    pub status: String,
    pub revoked: bool,
    /// What signed in (`X-Axme-Client` or `User-Agent` of the login), when known.
    #[serde(default)]
    pub client_type: Option<String>,
    #[serde(default)]
    pub device_label: Option<String>,
    pub created_at: String,
    /// When the session ends unless refreshed before (its refresh token's expiry), RFC 3339.
    pub expires_at: String,
    #[serde(default)]
    pub revoked_at: Option<String>,
}

/// `GET /v1/auth/sessions?include_revoked=false`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionsResponse {
    pub ok: bool,
    pub include_revoked: bool,
    pub sessions: Vec<SessionView>,
}

/// `POST /v1/auth/sessions/revoke` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RevokeSessionRequest {
    pub session_id: String,
}

/// `POST /v1/auth/sessions/revoke` answer; `revoked` is false for a session that had
/// already ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RevokeSessionResponse {
    pub ok: bool,
    pub session_id: String,
    pub revoked: bool,
}

/// `POST /v1/auth/logout-all` body: none is needed (the Go CLI sends `{}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LogoutAllRequest {}

/// `POST /v1/auth/logout-all` answer: how many sessions (and their keys) were ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LogoutAllResponse {
    pub ok: bool,
    pub revoked: u64,
    pub session_ids: Vec<String>,
}

/// The signed-in person behind an access token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeAccount {
    pub user_id: String,
    pub email: String,
    pub session_id: String,
}

/// `GET /v1/me`: who the caller is. `address` is its agent address (what a runner sets
/// as `reply_to`), also under `service_account.address`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeResponse {
    pub ok: bool,
    pub address: String,
    pub service_account_id: String,
    pub org_id: String,
    pub workspace_id: String,
    pub role: Role,
    /// What the credentials may do.
    pub scopes: Scopes,
    pub service_account: ServiceAccountView,
    /// Present when an access token was sent.
    #[serde(default)]
    pub account: Option<MeAccount>,
}
