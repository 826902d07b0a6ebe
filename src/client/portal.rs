//! The portal API (`/v1/portal/*`): the membership inventory, the workspace selection, a
//! workspace's quota overview.

use serde_json::json;

use super::{Client, ClientResult};
use crate::protocol::portal::{PersonalContext, WorkspaceSelectionResponse};

impl Client {
    /// `GET /v1/portal/personal/context`, typed.
    pub async fn membership(&self) -> ClientResult<PersonalContext> {
        self.get("/v1/portal/personal/context", &[]).await
    }

    /// `POST /v1/portal/personal/workspace-selection`.
    pub async fn select_workspace(
        &self,
        org_id: &str,
        workspace_id: &str,
    ) -> ClientResult<WorkspaceSelectionResponse> {
        self.post(
            "/v1/portal/personal/workspace-selection",
            &json!({ "org_id": org_id, "workspace_id": workspace_id }),
            None,
        )
        .await
    }
}
