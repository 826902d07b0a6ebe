//! `GET /v1/portal/enterprise/overview`: a workspace's limits and what it uses of them, in
//! the public API's shape (`overview.quota_policy.dimensions.<key>` the limits,
//! `overview.usage_summary.dimensions.<key>.used` the usage), which `axme quota show`
//! reads. A limit of 0 means the gateway sets none.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The dimensions, in the order `axme quota show` lists them.
pub const INTENTS_PER_DAY: &str = "intents_per_day";
pub const RATE_LIMIT_PER_MINUTE: &str = "rate_limit_per_minute";
pub const PAYLOAD_MAX_BYTES: &str = "payload_max_bytes";
pub const ACTORS_TOTAL: &str = "actors_total";
pub const SERVICE_ACCOUNTS: &str = "service_accounts_per_workspace";
pub const SSE_STREAMS_MAX: &str = "sse_streams_max";

/// The known dimensions with the label a person reads, in display order.
pub const DIMENSIONS: [(&str, &str); 7] = [
    (INTENTS_PER_DAY, "Intents / day"),
    (RATE_LIMIT_PER_MINUTE, "Rate limit / min"),
    (PAYLOAD_MAX_BYTES, "Max payload"),
    ("storage_bytes", "Storage"),
    (ACTORS_TOTAL, "Team members"),
    (SERVICE_ACCOUNTS, "Agents"),
    (SSE_STREAMS_MAX, "SSE streams"),
];

/// Whether a dimension counts bytes (shown as KB, MB, GB).
pub fn is_bytes(key: &str) -> bool {
    key.ends_with("_bytes")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OverviewResponse {
    pub ok: bool,
    pub org_id: String,
    pub workspace_id: String,
    pub overview: Overview,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Overview {
    pub quota_policy: QuotaPolicy,
    pub usage_summary: UsageSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QuotaPolicy {
    /// `self_hosted` on this gateway.
    pub tier: String,
    /// What happens past a limit: `reject` (429 or 503 with Retry-After).
    pub overage_mode: String,
    pub hard_enforcement: bool,
    /// Each dimension's limit; 0 = none.
    pub dimensions: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UsageSummary {
    /// Where the per-day counts start (UTC midnight), RFC 3339.
    pub window_start: String,
    pub dimensions: BTreeMap<String, Usage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Usage {
    pub used: u64,
    /// The same limit as in `quota_policy` (0 = none).
    pub limit: u64,
}
