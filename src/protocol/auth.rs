//! Email login (the public API's `/v1/auth/*`): the answers of login-intent, verify and
//! refresh. Fields are in the order the gateway has always written them.

use serde::{Deserialize, Serialize};

/// `POST /v1/auth/login-intent` answer: a code was made for the email.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
