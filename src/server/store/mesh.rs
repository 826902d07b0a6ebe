//! Rows of the agent mesh (spec §9.4): each address's last heartbeat and kill state, and
//! the kill/resume events. Written through the writer; the engine keeps the kills in force
//! in memory (`engine::mesh`), loaded from here at start.

/// One address's stored mesh state.
#[derive(Debug, Clone, PartialEq)]
pub struct MeshAgentRow {
    pub address: String,
    pub workspace_id: String,
    /// RFC 3339.
    pub last_heartbeat_at: Option<String>,
    /// The last heartbeat's `metrics` object, as JSON text.
    pub metrics: Option<String>,
    /// RFC 3339, while killed.
    pub killed_at: Option<String>,
    /// The address of who killed it, while killed.
    pub killed_by: Option<String>,
}

/// A heartbeat received from `address`.
#[derive(Debug, Clone, PartialEq)]
pub struct HeartbeatRow {
    pub address: String,
    pub workspace_id: String,
    pub at: String,
    pub metrics: Option<String>,
}

/// A kill or resume, as `GET /v1/mesh/events` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeshEventRow {
    pub event_id: String,
    pub workspace_id: String,
    pub address: String,
    pub event_type: String,
    /// JSON text.
    pub details: String,
    pub actor: String,
    pub created_at: String,
}

/// Kill (`killed`) or resume an address, with the event recording it, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct KillChange {
    pub killed: bool,
    pub event: MeshEventRow,
}

/// Which events to list, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct MeshEventQuery {
    pub workspace_id: String,
    pub address: Option<String>,
    pub event_type: Option<String>,
    pub limit: u32,
}
