//! `POST /v1/approvals/{approval_id}/decision` (spec §8.5). An approval id that names an
//! intent the caller sees, waiting for a human, answers its task (approve → `approved`,
//! reject → `rejected`) in the same transaction that records the decision; any other id is
//! recorded as it comes (conformance decides a random id and expects 200, spec §10.6). A
//! second decision on one approval is 409.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use serde_json::{Map, Value, json};

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{idempotency_key, json_ok};
use super::typed::{RequestBody, Typed, at_most};
use crate::protocol::access::Scope;
use crate::protocol::task::DecisionRequest;
use crate::protocol::{ResumeBody, Status, Timestamp, WaitingReason};
use crate::server::engine::directory::Caller;
use crate::server::engine::refusal::Refusal;
use crate::server::engine::{access, lifecycle, workflow};
use crate::server::store::{Decide, IdempotencyKey, StoreError};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/approvals/{approval_id}/decision", post(decide))
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found("approval_not_found", format!("no approval {id}"))
}

/// The decision that answers the human task of an intent with `task` (a `task_result`).
fn answer(caller: Caller, task: Map<String, Value>, now: Timestamp) -> Decide {
    Box::new(move |meta, intent| {
        lifecycle::authorize_change(&caller, meta, &intent)?;
        if intent.compile_id.is_some() {
            workflow::answer(&caller.address, intent, task, &now)
        } else {
            lifecycle::resume(&caller, meta, intent, ResumeBody::TaskResult(task), &now)
        }
    })
}

/// `decision` is `approve|reject` (the schema) or `approved|rejected` (a doc example,
/// §10.13); `comment` is also read as `reason`.
impl RequestBody for DecisionRequest {
    fn prepare(mut raw: Value) -> Value {
        if let Some(map) = raw.as_object_mut()
            && !map.contains_key("comment")
            && let Some(reason) = map.remove("reason")
        {
            map.insert("comment".into(), reason);
        }
        raw
    }

    fn check(self, _: &Value) -> ApiResult<Self> {
        if !matches!(
            self.decision.as_str(),
            "approve" | "approved" | "reject" | "rejected"
        ) {
            return Err(ApiError::invalid_field(
                "decision",
                "must be approve or reject",
            ));
        }
        at_most("comment", self.comment.as_deref(), 1000)?;
        Ok(self)
    }
}

pub(super) async fn decide(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    body: Typed<DecisionRequest>,
) -> ApiResult<Response> {
    // Deciding is answering a task: the `tasks` scope, or `intents:write`.
    if !caller.scopes.has(Scope::Tasks) {
        access::require(&caller, Scope::IntentsWrite)?;
    }
    let ok_id = !raw_id.is_empty()
        && raw_id.len() <= 128
        && raw_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if !ok_id {
        return Err(not_found(&raw_id));
    }
    let (request, _) = body.decoded()?;
    let approve = matches!(request.decision.as_str(), "approve" | "approved");
    let comment = request.comment;
    let approval_id = raw_id;
    let key = idempotency_key(&headers)?.map(|key| IdempotencyKey {
        sa_id: caller.sa_id.clone(),
        endpoint: format!("POST /v1/approvals/{approval_id}/decision"),
        key,
        body_hash: {
            use sha2::{Digest, Sha256};
            Sha256::digest(format!("{approve}:{comment:?}").as_bytes()).into()
        },
    });
    let now = app.engine.now();
    let intent_id = uuid::Uuid::parse_str(&approval_id)
        .ok()
        .map(|u| u.hyphenated().to_string());
    let response = app
        .store
        .run_keyed(key, move |tx| {
            match tx.approval(&approval_id)? {
                Some((workspace, _)) if workspace == caller.workspace_id => {
                    return Err(StoreError::Refused(Refusal::ApprovalDecided {
                        approval_id,
                    }));
                }
                Some(_) => {
                    return Err(StoreError::Refused(Refusal::ApprovalNotFound {
                        approval_id,
                    }));
                }
                None => {}
            }
            let waiting = match intent_id.as_deref() {
                Some(id) => tx
                    .intent(id)?
                    .filter(|(meta, _)| access::sees(&caller, meta)),
                None => None,
            };
            if let Some((_, intent)) = waiting {
                let for_human = intent.status == Status::Waiting
                    && intent.waiting_reason == Some(WaitingReason::WaitingForHuman);
                if !for_human {
                    return Err(StoreError::Refused(Refusal::NotWaitingForHuman {
                        intent_id: intent.intent_id,
                    }));
                }
                let mut task = Map::new();
                let outcome = if approve { "approved" } else { "rejected" };
                task.insert("outcome".into(), json!(outcome));
                if let Some(comment) = &comment {
                    task.insert("comment".into(), json!(comment));
                }
                tx.transition(&intent.intent_id, answer(caller.clone(), task, now))?;
            }
            let approval = json!({
                "approval_id": approval_id,
                "decision": if approve { "approve" } else { "reject" },
                "comment": comment,
                "decided_at": now,
                "actor": caller.address,
            });
            let response = json!({ "ok": true, "approval": approval }).to_string();
            if !tx.put_approval(&approval_id, &caller.workspace_id, &approval.to_string())? {
                return Err(StoreError::Refused(Refusal::ApprovalDecided {
                    approval_id,
                }));
            }
            Ok(response)
        })
        .await?;
    Ok(json_ok(response))
}
