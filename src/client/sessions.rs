//! A signed-in person's sessions (`/v1/auth/sessions`, `/v1/auth/logout-all`).

use serde_json::json;

use super::{Client, ClientResult};
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
}
