//! The gateway's self-description: `/health`, `/v1/capabilities`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /health` (no key): what a load balancer or an operator checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HealthResponse {
    pub ok: bool,
    pub service: String,
    pub version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub node_id: String,
}

/// `GET /v1/capabilities`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CapabilitiesResponse {
    pub ok: bool,
    pub capabilities: Vec<String>,
    pub supported_intent_types: Vec<String>,
    pub server: ServerInfo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
}
