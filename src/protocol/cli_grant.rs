//! Browser sign-in for the CLI (the public API's device flow, `axme login --browser`): a
//! grant the CLI creates without credentials, a person approves on the gateway's page, and
//! the CLI then collects once.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/auth/cli-grants` body (the public CLI sends none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateCliGrantRequest {
    /// What asks (shown on the approval page and in the session list); else the request's
    /// `X-Axme-Client` or `User-Agent`.
    #[serde(default)]
    pub client_name: Option<String>,
}

/// `POST /v1/auth/cli-grants` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CliGrant {
    pub ok: bool,
    /// Polled by the CLI; the only value the approval URL carries.
    pub grant_id: String,
    /// Shown by the CLI and on the approval page, so the person can tell the two belong
    /// together (`BCDF-GHJK`).
    pub user_code: String,
    /// The gateway's own page where a signed-in person approves the grant.
    pub approval_url: String,
    /// Seconds between polls.
    pub poll_interval: u64,
    /// Seconds the grant stays open.
    pub expires_in: u64,
    /// `pending`.
    pub state: String,
}

/// `GET /v1/auth/cli-grants/{grant_id}` answer: `pending` while nobody approved; once
/// approved, the first poll gets `approved` with the credentials of a new login session
/// (as `verify` answers them), every later one 409 `grant_already_used`; past its time 410.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CliGrantStatus {
    pub ok: bool,
    pub grant_id: String,
    /// `pending` or `approved`.
    pub state: String,
    /// Seconds left to approve (pending only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_session_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}
