//! `ApiError`: an answer with its HTTP status and the spec's error body (§5.4).
//!
//! Only http/ knows it. The layers below report in their own terms (`StoreError`, the
//! engine's `Refusal`); the `From` impls here are the one place that picks a status and
//! a code for each, so a refusal decided deep inside the writer (an invalid transition, an
//! idempotency conflict) reaches the client unchanged.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::protocol::ErrorBody;
use crate::server::engine::refusal::Refusal;
use crate::server::store::{Duplicate, StoreError};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Boxed: errors travel through many `Result`s and should stay small.
    pub body: Box<ErrorBody>,
    /// `Retry-After` in whole seconds (429, 503).
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// `category` is one of the spec's (§5.4): `validation`, `auth`, `policy`, `transport`,
    /// `timeout`, `internal`. Retryable follows the spec's retry classes: 408, 429 and 5xx.
    pub fn new(status: StatusCode, code: &str, category: &str, message: impl Into<String>) -> Self {
        let mut body = ErrorBody::new(code, category, message);
        body.error.retryable = matches!(status.as_u16(), 408 | 429) || status.is_server_error();
        ApiError {
            status,
            body: Box::new(body),
            retry_after: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
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

    /// 404s are `transport` like the spec's `agent_not_found`: the request reached nothing.
    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, "transport", message)
    }

    pub fn intent_not_found(intent_id: &str) -> Self {
        Self::not_found("intent_not_found", format!("intent {intent_id} not found"))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "policy_denied", "policy", message)
    }

    /// 409 (idempotency, CAS, a terminal intent): the request cannot apply as sent, so
    /// `validation` (the spec has no `conflict` category); never retried.
    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "validation", message)
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

impl ApiError {
    /// 408: the request body did not arrive within the body timeout.
    pub fn body_timeout() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "timeout",
            "the request body did not arrive in time",
        )
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            Refusal::IntentNotFound { .. } => Self::not_found("intent_not_found", message),
            Refusal::Forbidden(_) => Self::forbidden(message),
            Refusal::MissingScope { scope } => {
                Self::new(StatusCode::FORBIDDEN, "insufficient_scope", "auth", message)
                    .with_details(json!({ "scope": scope }))
            }
            Refusal::ReceiverClosed { receiver, sender } => Self::new(
                StatusCode::FORBIDDEN,
                "receiver_agent_closed",
                "policy",
                message,
            )
            .with_details(json!({ "receiver": receiver, "sender": sender })),
            Refusal::NotInAllowlist { receiver, sender } => Self::new(
                StatusCode::FORBIDDEN,
                "sender_not_in_receive_allowlist",
                "policy",
                message,
            )
            .with_details(json!({ "receiver": receiver, "sender": sender })),
            Refusal::AlreadyTerminal { status, .. } => {
                Self::conflict("intent_already_terminal", message)
                    .with_details(json!({ "status": status }))
            }
            Refusal::InvalidTransition { from, to, .. } => {
                Self::conflict("invalid_transition", message)
                    .with_details(json!({ "from": from, "to": to }))
            }
            Refusal::NotWaitingForHuman { .. } => Self::conflict("not_waiting_for_human", message),
            Refusal::StaleGeneration { current, .. } => {
                Self::conflict("stale_policy_generation", message)
                    .with_details(json!({ "policy_generation": current }))
            }
            Refusal::InvalidField { field, problem } => Self::invalid_field(&field, problem),
            Refusal::FormInvalid { errors } => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "schema_invalid",
                "validation",
                message,
            )
            .with_details(json!({ "field": "task_result", "errors": errors })),
            Refusal::ThreadNotFound { .. } => Self::not_found("thread_not_found", message),
            Refusal::ThreadDone { .. } => Self::conflict("thread_done", message),
            Refusal::SubscriptionNotFound { .. } => {
                Self::not_found("subscription_not_found", message)
            }
            Refusal::WebhookEventNotFound { .. } => Self::not_found("event_not_found", message),
            Refusal::ApprovalNotFound { .. } => Self::not_found("approval_not_found", message),
            Refusal::ApprovalDecided { .. } => Self::conflict("approval_decided", message),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        match e {
            StoreError::IntentNotFound(id) => Self::intent_not_found(&id),
            StoreError::Duplicate(duplicate) => {
                let code = match duplicate {
                    Duplicate::Org { .. } => "org_exists",
                    Duplicate::Workspace { .. } => "workspace_exists",
                    Duplicate::Account { .. } => "service_account_exists",
                    Duplicate::Nick { .. } => "nick_taken",
                };
                Self::conflict(code, duplicate.to_string())
            }
            StoreError::IdempotencyConflict { key } => {
                Self::conflict("idempotency_conflict", message)
                    .with_details(json!({ "idempotency_key": key }))
            }
            StoreError::Refused(refusal) => refusal.into(),
            StoreError::Unavailable(_) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                "internal",
                message,
            ),
            StoreError::Backend(detail) => {
                tracing::error!(error = %detail, "storage error");
                Self::internal("storage error")
            }
            StoreError::Internal(_) => {
                tracing::error!(error = %message, "internal error");
                Self::internal(message)
            }
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.body.error.message)
    }
}

impl std::error::Error for ApiError {}
