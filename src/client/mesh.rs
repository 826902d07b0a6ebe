//! The agent mesh endpoints (spec §9.4).

use serde_json::{Map, Value};

use super::{Client, ClientResult, segment};
use crate::protocol::mesh::{
    HeartbeatRequest, HeartbeatResponse, MeshAgentResponse, MeshAgentsResponse, MeshEventsResponse,
    MeshSwitchRequest,
};

impl Client {
    /// `POST /v1/mesh/heartbeat` for `address` (None: the key's own address).
    pub async fn heartbeat(
        &self,
        address: Option<&str>,
        metrics: Option<Map<String, Value>>,
    ) -> ClientResult<HeartbeatResponse> {
        let body = HeartbeatRequest {
            address: address.map(str::to_string),
            metrics,
        };
        let body = serde_json::to_value(body).unwrap_or(Value::Null);
        self.post("/v1/mesh/heartbeat", &body, None).await
    }

    pub async fn mesh_agents(
        &self,
        limit: u32,
        health: Option<&str>,
        window: Option<&str>,
    ) -> ClientResult<MeshAgentsResponse> {
        let mut query = vec![("limit", limit.max(1).to_string())];
        if let Some(h) = health {
            query.push(("health", h.to_string()));
        }
        if let Some(w) = window {
            query.push(("window", w.to_string()));
        }
        self.get("/v1/mesh/agents", &query).await
    }

    /// `id`: a service account id, a full address or a bare name.
    pub async fn mesh_agent(&self, id: &str) -> ClientResult<MeshAgentResponse> {
        self.get(&format!("/v1/mesh/agents/{}", segment(id)), &[])
            .await
    }

    /// `POST …/kill` (`kill`) or `…/resume`.
    pub async fn mesh_switch(
        &self,
        id: &str,
        kill: bool,
        reason: Option<&str>,
    ) -> ClientResult<MeshAgentResponse> {
        let action = if kill { "kill" } else { "resume" };
        let body = MeshSwitchRequest {
            reason: reason.map(str::to_string),
        };
        let body = serde_json::to_value(body).unwrap_or(Value::Null);
        self.post(
            &format!("/v1/mesh/agents/{}/{action}", segment(id)),
            &body,
            None,
        )
        .await
    }

    pub async fn mesh_events(
        &self,
        limit: u32,
        event_type: Option<&str>,
        address: Option<&str>,
    ) -> ClientResult<MeshEventsResponse> {
        let mut query = vec![("limit", limit.max(1).to_string())];
        if let Some(t) = event_type {
            query.push(("event_type", t.to_string()));
        }
        if let Some(a) = address {
            query.push(("address", a.to_string()));
        }
        self.get("/v1/mesh/events", &query).await
    }
}
