//! The portal API (`/v1/portal/*`): the membership inventory, the workspace selection, a
//! workspace's quota overview.

use serde_json::json;

use super::{Client, ClientResult};
use crate::protocol::overview::OverviewResponse;
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

    /// `GET /v1/portal/enterprise/overview`: the workspace's limits and usage; the ids are
    /// sent when known (the gateway defaults to the caller's).
    pub async fn overview(
        &self,
        org_id: Option<&str>,
        workspace_id: Option<&str>,
    ) -> ClientResult<OverviewResponse> {
        let query: Vec<(&str, String)> = [("org_id", org_id), ("workspace_id", workspace_id)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v.to_string())))
            .collect();
        self.get("/v1/portal/enterprise/overview", &query).await
    }
}
