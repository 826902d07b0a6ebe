//! Rows of media uploads (spec §9.6, `http/media.rs`): what was declared at creation,
//! what arrived (size and SHA-256 of the bytes under the media directory) and whether it
//! was finalized. The bytes themselves are files, not rows (see `http/media.rs`).

#[derive(Debug, Clone, PartialEq)]
pub struct MediaRow {
    pub upload_id: String,
    pub workspace_id: String,
    pub owner_agent: String,
    pub filename: String,
    pub mime_type: String,
    /// Declared at creation.
    pub size_bytes: i64,
    /// Declared at creation, if it was.
    pub declared_sha256: Option<String>,
    /// Of the last complete `PUT`: its size and SHA-256.
    pub received_bytes: Option<i64>,
    pub sha256: Option<String>,
    /// `pending` or `ready` (expiry is read from `expires_at`).
    pub status: String,
    pub object_path: String,
    pub created_at: String,
    pub expires_at: String,
    pub finalized_at: Option<String>,
}
