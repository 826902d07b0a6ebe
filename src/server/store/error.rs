//! [`StoreError`]: what a [`Store`](super::Store) or a [`Tx`](super::Tx) reports. Storage
//! knows nothing of HTTP; http/ maps each variant to a status and an error body.

use crate::server::engine::refusal::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A mutation named an intent that does not exist.
    #[error("intent {0} not found")]
    IntentNotFound(String),
    /// A unique name is taken.
    #[error(transparent)]
    Duplicate(#[from] Duplicate),
    /// The `Idempotency-Key` was used before with another body.
    #[error("idempotency key reused with different payload")]
    IdempotencyConflict { key: String },
    /// The engine's decision, run inside the transaction, refused: the transaction (the
    /// job's savepoint) is rolled back and the refusal reaches the caller unchanged.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database cannot answer now (unreachable, or a write conflict between nodes):
    /// the client may retry.
    #[error("{0}")]
    Unavailable(String),
    /// The database failed (I/O, constraint, SQL); the detail is for the log.
    #[error("storage error: {0}")]
    Backend(String),
    /// A stored row is unreadable, or the write path cannot run (stopping, commit failed).
    #[error("{0}")]
    Internal(String),
}

impl StoreError {
    pub fn internal(message: impl Into<String>) -> Self {
        StoreError::Internal(message.into())
    }

    /// Serializing our own types does not fail; if it ever does, it is internal.
    pub fn encode<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
        serde_json::to_string(value).map_err(|e| StoreError::Internal(e.to_string()))
    }
}

/// Which unique name is taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Duplicate {
    #[error("an organization with this slug exists")]
    Org { slug: String },
    #[error("a workspace named '{slug}' already exists")]
    Workspace { slug: String },
    #[error("a service account named '{name}' already exists in this workspace")]
    Account { name: String },
    #[error("the nick '{nick}' is taken")]
    Nick { nick: String },
}

pub type StoreResult<T> = Result<T, StoreError>;
