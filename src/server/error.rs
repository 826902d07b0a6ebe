//! `ApiError`: a refusal with its HTTP status and the spec's error body (§5.4).
//!
//! Every layer of the server returns it, so a refusal decided deep inside the writer
//! (an invalid transition, an idempotency conflict) reaches the client unchanged.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::protocol::ErrorBody;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Boxed: errors travel through many `Result`s and should stay small.
    pub body: Box<ErrorBody>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &str, category: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: Box::new(ErrorBody::new(code, category, message)),
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.body.error.details = details;
        self
    }

    /// 422 `schema_invalid` naming the offending field in the message and `details.field`.
    pub fn invalid_field(field: &str, problem: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "schema_invalid",
            "validation",
            format!("{field}: {problem}"),
        )
        .with_details(json!({ "field": field }))
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, "validation", message)
    }

    pub fn intent_not_found(intent_id: &str) -> Self {
        Self::not_found("intent_not_found", format!("intent {intent_id} not found"))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "policy_denied", "policy", message)
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "conflict", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal",
            message,
        )
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "validation",
            format!("request body is larger than {limit} bytes"),
        )
        .with_details(json!({ "max_bytes": limit }))
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        tracing::error!(error = %e, "storage error");
        ApiError::internal("storage error")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.body.error.message)
    }
}

impl std::error::Error for ApiError {}
