//! Email login (the public API's `/v1/auth/*`): the answers of login-intent, verify and
//! refresh. Fields are in the order the gateway has always written them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/auth/login-intent` answer: a code was made for the email.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LoginIntent {
    /// Where the code went: `email`, or `server_log` on a gateway without SMTP.
    #[serde(default)]
    pub delivery: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
    /// The login's id (the public API calls it an intent).
    pub intent_id: String,
    #[serde(default)]
    pub ok: bool,
}

/// What verify and refresh return. `account_session_token` is the public API's name for the
/// access token; both are written and either is read. Refresh leaves out who signed in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LoginTokens {
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub account_session_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// An API key minted for this login (verify only; revoked at logout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Seconds the access token lives.
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

impl LoginTokens {
    /// The access token under either name.
    pub fn access(&self) -> Option<String> {
        self.access_token
            .clone()
            .or_else(|| self.account_session_token.clone())
    }
}

/// `POST /v1/auth/login-intent` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LoginIntentRequest {
    pub email: String,
}

/// `POST /v1/auth/login-intent/{login_id}/verify` body: the code that was sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VerifyRequest {
    pub code: String,
}

/// `POST /v1/auth/refresh` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// `POST /v1/auth/logout` body: the session is named by its refresh token or by the
/// access token in `Authorization: Bearer`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LogoutRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// `POST /v1/auth/logout` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LogoutResponse {
    pub ok: bool,
    /// False when no live session was named.
    pub revoked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

/// The claims of an access token (a JWT, HS256, signed by the gateway): a client reads `exp`
/// to refresh in time; the gateway checks the signature, `exp` and that `sid` is still the
/// session's current token. Names as the public API's actor tokens (`sub`, `iss`, `aud`,
/// `exp`, `iat`, `jti`, `sid`, scope `axme.api`, `owner_agent`, `org_id`, `workspace_id`,
/// `actor_id`, `roles`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: String,
    /// The session id (`GET /v1/auth/sessions`).
    pub sid: String,
    pub jti: String,
    /// Unix seconds.
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Unix seconds.
    pub exp: i64,
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_agent: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
}
