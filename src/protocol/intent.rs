//! Intents on the wire (spec §3.3–3.8).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::event::{IntentEvent, PendingWith};
use super::status::{Status, WaitingReason};
use super::task::HumanTask;
use super::time::Timestamp;

/// Largest accepted request payload (spec §5.5): larger bodies get 413.
pub const MAX_PAYLOAD_BYTES: usize = 128 * 1024;

/// `POST /v1/intents` body. Parsed leniently: unknown fields are ignored (spec §10.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateIntentRequest {
    pub intent_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    pub to_agent: String,
    pub payload: Value,
    /// Ignored by the server, which derives the sender from the API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_at: Option<Timestamp>,
    /// Our extension: the deadline relative to the request's arrival, as `axme intents send
    /// --deadline 5m` means it. The idempotency fingerprint takes it instead of
    /// `deadline_at`, so re-running the same command with the same key replays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_after_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_interval_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_reminders: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_delivery_attempts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_task: Option<HumanTask>,
}

/// `POST /v1/intents` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateIntentResponse {
    pub ok: bool,
    pub intent_id: String,
    pub status: Status,
    pub created_at: Timestamp,
    /// Accepted, but probably not what was meant (e.g. no agent is registered at
    /// `to_agent`: spec §3.3 soft-fail).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// One warning of an accepted request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Warning {
    pub code: String,
    pub message: String,
}

/// An intent as `GET /v1/intents/{id}` shows it. `lifecycle_status` mirrors `status`
/// because the official CLI and examples read that name (spec §10.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Intent {
    pub intent_id: String,
    pub intent_type: String,
    #[serde(default)]
    pub correlation_id: Option<String>,
    #[serde(default)]
    pub from_agent: Option<String>,
    pub to_agent: String,
    #[serde(default)]
    pub payload: Value,
    pub status: Status,
    pub lifecycle_status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_reason: Option<WaitingReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_waiting_reason: Option<WaitingReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_with: Option<PendingWith>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_status: Option<String>,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_after_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_interval_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_reminders: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_delivery_attempts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_attempt: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_task: Option<HumanTask>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_generation: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seq: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_intent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    /// Set on the parent intent of a scenario workflow (`POST /v1/scenarios/apply`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compile_id: Option<String>,
}

/// `GET /v1/intents/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GetIntentResponse {
    pub ok: bool,
    pub intent: Intent,
}

/// The fields `GET /v1/intents/{id}` repeats beside `intent` (spec §12.6): the poll, http
/// and inbox example agents read `payload` and the status off the top level.
#[derive(Debug, Serialize, Deserialize)]
pub struct IntentMirror {
    pub intent_id: String,
    pub intent_type: String,
    pub status: Status,
    pub lifecycle_status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_waiting_reason: Option<WaitingReason>,
    #[serde(default)]
    pub payload: Value,
}

/// `GET /v1/intents?status=&to_agent=&limit=&cursor=`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ListIntentsResponse {
    pub ok: bool,
    pub intents: Vec<Intent>,
    /// Pass back as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `GET /v1/intents/counts`: how many intents the caller may see, per status name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IntentCountsResponse {
    pub ok: bool,
    pub counts: std::collections::BTreeMap<String, u64>,
    pub total: u64,
}

/// `POST /v1/intents/{id}/resolve` body. `status` must be terminal other than TIMED_OUT.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResolveRequest {
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_policy_generation: Option<u64>,
}

/// `POST /v1/intents/{id}/resolve` answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResolveResponse {
    pub ok: bool,
    pub intent: Intent,
    pub event: IntentEvent,
    pub completion_delivery: Value,
}

/// `POST /v1/intents/{id}/resume` answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResumeResponse {
    pub ok: bool,
    pub applied: bool,
    pub intent: Intent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<IntentEvent>,
}

/// `POST /v1/intents/{id}/resume` body as documented in `/openapi.json`: one of three
/// dialects, told apart by [`ResumeBody::classify`], which is what the server reads.
/// Fields not named here are kept: with `action`/`outcome` they are the result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResumeRequest {
    /// A human task's answer, e.g. `{"outcome": "approved", "comment": "…"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_result: Option<serde_json::Map<String, Value>>,
    /// `complete`, `fail` or `in_progress` (also `completed`, `success`, `failed`,
    /// `failure`, `start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// `success` or `failure` (the public SDKs' dialect), with `result`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Continue a workflow waiting at a human gate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approve_current_step: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_policy_generation: Option<u64>,
}

/// `POST /v1/intents/{id}/cancel` body (all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CancelRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
}

/// The three body dialects of `POST /v1/intents/{id}/resume` (spec §3.8), told apart in
/// the spec's dispatch order: `task_result`, then `action`/`outcome`, then a control resume.
#[derive(Debug, Clone, PartialEq)]
pub enum ResumeBody {
    /// A human task answer: `{"task_result": {"outcome": …, …}}`.
    TaskResult(serde_json::Map<String, Value>),
    /// An agent's result: `{"action": "complete", …}` (fields other than `action` are the result).
    Complete(serde_json::Map<String, Value>),
    /// An agent's failure: `{"action": "fail", "reason": …, …}`.
    Fail(serde_json::Map<String, Value>),
    /// `{"action": "in_progress", …}` (axme extension): the handler started working on a
    /// delivered intent, which becomes IN_PROGRESS.
    Start(serde_json::Map<String, Value>),
    /// `{"approve_current_step": true, …}`: continue a waiting workflow gate.
    Control(serde_json::Map<String, Value>),
}

impl ResumeBody {
    /// Classifies a body. Returns an error message naming the field when it is unusable.
    pub fn classify(body: Value) -> Result<ResumeBody, String> {
        let Value::Object(mut map) = body else {
            return Err("the resume body must be a JSON object".into());
        };
        if let Some(task) = map.remove("task_result") {
            return match task {
                // The runner puts the outcome beside `task_result` (spec §12.5).
                Value::Object(mut task) => {
                    if let Some(outcome) = map.remove("outcome").filter(Value::is_string) {
                        task.entry("outcome").or_insert(outcome);
                    }
                    Ok(ResumeBody::TaskResult(task))
                }
                _ => Err("task_result must be an object".into()),
            };
        }
        if let Some(action) = map.remove("action") {
            return match action.as_str() {
                Some("complete") | Some("completed") | Some("success") => {
                    Ok(ResumeBody::Complete(map))
                }
                Some("fail") | Some("failed") | Some("failure") => Ok(ResumeBody::Fail(map)),
                Some("in_progress") | Some("start") => Ok(ResumeBody::Start(map)),
                _ => Err("action must be \"complete\", \"fail\" or \"in_progress\"".into()),
            };
        }
        if let Some(outcome) = map.remove("outcome") {
            let result = map.remove("result").unwrap_or(Value::Object(map));
            let result = match result {
                Value::Object(m) => m,
                other => {
                    let mut m = serde_json::Map::new();
                    m.insert("result".into(), other);
                    m
                }
            };
            return match outcome.as_str() {
                Some("success") | Some("complete") | Some("completed") => {
                    Ok(ResumeBody::Complete(result))
                }
                Some("fail") | Some("failed") | Some("failure") | Some("error") => {
                    Ok(ResumeBody::Fail(result))
                }
                _ => Err("outcome must be \"success\" or \"failure\"".into()),
            };
        }
        Ok(ResumeBody::Control(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resume_dialects() {
        let b = ResumeBody::classify(json!({"action":"complete","report":"ok"})).unwrap();
        assert_eq!(
            b,
            ResumeBody::Complete(json!({"report":"ok"}).as_object().unwrap().clone())
        );
        let b = ResumeBody::classify(json!({"task_result":{"outcome":"approve"}})).unwrap();
        assert!(matches!(b, ResumeBody::TaskResult(_)));
        let b = ResumeBody::classify(json!({"approve_current_step":true})).unwrap();
        assert!(matches!(b, ResumeBody::Control(_)));
        assert!(ResumeBody::classify(json!({"action":"maybe"})).is_err());
        assert!(ResumeBody::classify(json!([1])).is_err());
    }
}
