//! What the lifecycle answers when it says no. A decision ([`Decide`](crate::server::store::Decide))
//! or a workflow step returns a [`Refusal`]; the store carries it out of the transaction
//! unchanged (`StoreError::Refused`) and http/ turns it into a status and an error body.
//! No HTTP here: the engine names the reason, the edge picks the status.

use crate::protocol::Status;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// The caller's workspace cannot see the intent: as if it did not exist.
    #[error("intent {intent_id} not found")]
    IntentNotFound { intent_id: String },
    /// Visible, but this caller may not do that.
    #[error("{0}")]
    Forbidden(String),
    /// The caller's key lacks the scope this needs.
    #[error(
        "this key lacks the scope '{scope}' (see its scopes with GET /v1/portal/personal/context)"
    )]
    MissingScope { scope: &'static str },
    /// The receiver of another workspace takes nothing from outside its workspace.
    #[error(
        "{receiver} accepts intents only from its own workspace; its receive policy can admit {sender}"
    )]
    ReceiverClosed { receiver: String, sender: String },
    /// The receiver's allowlist does not name the sender.
    #[error("{sender} is not in the receive allowlist of {receiver}")]
    NotInAllowlist { receiver: String, sender: String },
    #[error("intent {intent_id} is already {status}; a finished intent cannot change")]
    AlreadyTerminal { intent_id: String, status: Status },
    #[error("intent {intent_id} cannot go from {from} to {to}")]
    InvalidTransition {
        intent_id: String,
        from: Status,
        to: Status,
    },
    #[error("intent {intent_id} is not waiting for a human answer")]
    NotWaitingForHuman { intent_id: String },
    /// `expected_policy_generation` does not match the intent's.
    #[error("expected policy generation {expected}, the intent is at {current}")]
    StaleGeneration { expected: u64, current: u64 },
    /// No inbox thread of that id the caller may use: as if it did not exist.
    #[error("no inbox thread {thread_id}")]
    ThreadNotFound { thread_id: String },
    /// The thread is done (approved, rejected or a delivered completion).
    #[error("inbox thread {thread_id} is done; it takes no more replies or decisions")]
    ThreadDone { thread_id: String },
    #[error("no approval {approval_id}")]
    ApprovalNotFound { approval_id: String },
    #[error("approval {approval_id} was already decided")]
    ApprovalDecided { approval_id: String },
    /// No webhook subscription of that id the caller may use: as if it did not exist.
    #[error("no webhook subscription {subscription_id}")]
    SubscriptionNotFound { subscription_id: String },
    /// No webhook event of that id the caller may use: as if it did not exist.
    #[error("no webhook event {event_id}")]
    WebhookEventNotFound { event_id: String },
    /// A task's answer does not match its `form_schema`: each `{path, message}`.
    #[error(
        "task_result does not match the task's form_schema: {}",
        form_errors(errors)
    )]
    FormInvalid { errors: Vec<serde_json::Value> },
    /// A field of the request is unusable in the intent's current state.
    #[error("{field}: {problem}")]
    InvalidField { field: String, problem: String },
}

impl Refusal {
    pub fn invalid_field(field: &str, problem: impl std::fmt::Display) -> Self {
        Refusal::InvalidField {
            field: field.to_string(),
            problem: problem.to_string(),
        }
    }
}

fn form_errors(errors: &[serde_json::Value]) -> String {
    errors
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["path"].as_str().unwrap_or_default(),
                e["message"].as_str().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
