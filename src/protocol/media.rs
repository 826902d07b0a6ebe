//! Media uploads (spec §9.6): create an upload (its id and an upload URL on the gateway),
//! `PUT` the bytes there, finalize it (size and SHA-256 checked), then read its metadata
//! and download it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Timestamp;

/// How long an upload may stay pending unless `ttl_seconds` says otherwise: one day.
pub const DEFAULT_TTL_SECONDS: u64 = 24 * 3600;
pub const MIN_TTL_SECONDS: u64 = 60;
pub const MAX_TTL_SECONDS: u64 = 7 * 24 * 3600;
/// The largest `size_bytes` the spec's schema allows (2 GiB); the gateway's own limit
/// (`max_size_bytes`) may be lower.
pub const MAX_DECLARED_BYTES: u64 = 2_147_483_648;
/// Where uploads live, as `bucket` names it.
pub const BUCKET: &str = "axme-local";

/// `POST /v1/media/create-upload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateUploadRequest {
    /// Whose upload it is: the caller's agent or (an admin) one of its workspace's.
    pub owner_agent: String,
    /// 1 to 255 characters.
    pub filename: String,
    /// `type/subtype`, 3 to 255 characters.
    pub mime_type: String,
    /// The exact size the bytes will have (1 to the gateway's `max_size_bytes`).
    pub size_bytes: u64,
    /// The SHA-256 (64 lower-case hex digits) the bytes must have, if known now.
    #[serde(default)]
    pub sha256: Option<String>,
    /// How long the upload may stay pending: 60 to 604,800 s; default one day.
    #[serde(default)]
    pub ttl_seconds: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UploadStatus {
    /// Created; the bytes may be (re)sent until finalized or expired.
    Pending,
    /// Finalized: size and checksum matched; downloadable.
    Ready,
    /// Not finalized in time.
    Expired,
}

/// `POST /v1/media/create-upload` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateUploadResponse {
    pub ok: bool,
    pub upload_id: String,
    pub owner_agent: String,
    pub bucket: String,
    pub object_path: String,
    /// `PUT` the bytes here, with the same API key (`Content-Type` is not checked).
    pub upload_url: String,
    pub status: UploadStatus,
    pub expires_at: Timestamp,
    /// The largest upload this gateway takes.
    pub max_size_bytes: u64,
}

/// `PUT /v1/media/{upload_id}/content` answer: what arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UploadContentResponse {
    pub ok: bool,
    pub upload_id: String,
    pub received_bytes: u64,
    /// SHA-256 of what arrived.
    pub sha256: String,
    pub status: UploadStatus,
}

/// `POST /v1/media/finalize-upload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FinalizeUploadRequest {
    pub upload_id: String,
    /// Must equal what arrived (and what was declared).
    pub size_bytes: u64,
    /// When given, must equal the SHA-256 of what arrived.
    #[serde(default)]
    pub sha256: Option<String>,
}

/// `POST /v1/media/finalize-upload` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FinalizeUploadResponse {
    pub ok: bool,
    pub upload_id: String,
    pub owner_agent: String,
    pub bucket: String,
    pub object_path: String,
    pub mime_type: String,
    pub size_bytes: u64,
    pub sha256: Option<String>,
    pub status: UploadStatus,
    pub finalized_at: Timestamp,
}

/// An upload as `GET /v1/media/{upload_id}` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Upload {
    pub upload_id: String,
    pub owner_agent: String,
    pub bucket: String,
    pub object_path: String,
    pub mime_type: String,
    pub filename: String,
    pub size_bytes: u64,
    /// Of the bytes received (none before they arrive).
    pub sha256: Option<String>,
    pub status: UploadStatus,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub finalized_at: Option<Timestamp>,
    /// `GET` it (with an API key of the workspace) once ready.
    pub download_url: Option<String>,
    /// No previews are made.
    pub preview_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UploadResponse {
    pub ok: bool,
    pub upload: Upload,
}

/// Whether `raw` is 64 lower-case hex digits.
pub fn is_sha256(raw: &str) -> bool {
    raw.len() == 64 && raw.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
}

/// Whether `raw` is a plain `type/subtype` (letters, digits and `!#$&^_.+-`, with
/// `;`-separated parameters of the same characters and `=`): safe to send back as a
/// `Content-Type`.
pub fn is_mime_type(raw: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    let mut parts = raw.split(';');
    let essence = parts.next().unwrap_or("").trim();
    let Some((kind, sub)) = essence.split_once('/') else {
        return false;
    };
    token(kind)
        && token(sub)
        && parts.all(|p| {
            p.trim()
                .split_once('=')
                .is_some_and(|(k, v)| token(k.trim()) && token(v.trim().trim_matches('"')))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types_and_checksums() {
        for good in [
            "image/png",
            "text/plain; charset=utf-8",
            "application/vnd.a+json",
        ] {
            assert!(is_mime_type(good), "{good}");
        }
        for bad in [
            "png",
            "text/",
            "/x",
            "text/plain\r\nX-Evil: 1",
            "a/b; c",
            "a b/c",
        ] {
            assert!(!is_mime_type(bad), "{bad}");
        }
        assert!(is_sha256(&"a".repeat(64)));
        assert!(!is_sha256(&"A".repeat(64)));
        assert!(!is_sha256(&"a".repeat(63)));
    }
}
