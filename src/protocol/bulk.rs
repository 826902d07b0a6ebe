//! `POST /v1/intents/bulk-cancel` (spec §3.12; the CLI's `axme intents cleanup`): cancel the
//! live intents that have been around too long, or, as a dry run, say which they would be.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::status::Status;

/// Hours an intent must have existed to be canceled when the body names none.
pub const DEFAULT_OLDER_THAN_HOURS: f64 = 24.0;
/// Intents canceled at most per request when the body names no limit.
pub const DEFAULT_LIMIT: u64 = 500;
/// The largest `limit` accepted.
pub const MAX_LIMIT: u64 = 10_000;
/// The statuses a body without `status_filter` cancels: every live one an intent stays in.
pub const DEFAULT_STATUSES: [Status; 5] = [
    Status::Delivered,
    Status::Waiting,
    Status::InProgress,
    Status::Submitted,
    Status::Acknowledged,
];

/// `POST /v1/intents/bulk-cancel` body; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BulkCancelRequest {
    /// Only intents created more than this many hours ago (default 24; fractions allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older_than_hours: Option<f64>,
    /// Only report what would be canceled (default **true**: an empty body changes nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    /// Recorded on every `intent.canceled` event (default "bulk cancel").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// At most this many intents, oldest first (default 500, at most 10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Only intents in these statuses (default DELIVERED, WAITING, IN_PROGRESS, SUBMITTED,
    /// ACKNOWLEDGED); any case; a terminal status is refused. A comma-separated string is
    /// read as the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_filter: Option<Vec<String>>,
}

/// `POST /v1/intents/bulk-cancel` answer: a dry run has `would_cancel`, a real run
/// `canceled`; both list the intents concerned, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BulkCancelResponse {
    pub ok: bool,
    pub dry_run: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub would_cancel: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canceled: Option<u64>,
    #[serde(default)]
    pub intent_ids: Vec<String>,
}
