//! A signed-in person's sessions (`/v1/auth/sessions`, `/v1/auth/logout-all`).

use serde_json::json;

use super::{Client, ClientResult};
use crate::protocol::cli_grant::{CliGrant, CliGrantStatus};
use crate::protocol::session::{LogoutAllResponse, RevokeSessionResponse, SessionsResponse};

impl Client {
    /// `GET /v1/auth/sessions`: needs the session's access token.
    pub async fn sessions(&self, include_revoked: bool) -> ClientResult<SessionsResponse> {
        self.get(
            "/v1/auth/sessions",
            &[("include_revoked", include_revoked.to_string())],
        )
        .await
    }

    /// `POST /v1/auth/sessions/revoke`: ends one session (and its key).
    pub async fn revoke_session(&self, session_id: &str) -> ClientResult<RevokeSessionResponse> {
        self.post(
            "/v1/auth/sessions/revoke",
            &json!({ "session_id": session_id }),
            None,
        )
        .await
    }

    /// `POST /v1/auth/logout-all`: ends every session of the signed-in person.
    pub async fn logout_all(&self) -> ClientResult<LogoutAllResponse> {
        self.post("/v1/auth/logout-all", &json!({}), None).await
    }

    /// `POST /v1/auth/cli-grants`: a browser sign-in to approve (sent without credentials).
    pub async fn create_cli_grant(&self) -> ClientResult<CliGrant> {
        self.post("/v1/auth/cli-grants", &json!({}), None).await
    }

    /// `GET /v1/auth/cli-grants/{id}`: pending, or approved with the session (once).
    pub async fn poll_cli_grant(&self, grant_id: &str) -> ClientResult<CliGrantStatus> {
        let id: String = grant_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        self.get(&format!("/v1/auth/cli-grants/{id}"), &[]).await
    }
}
