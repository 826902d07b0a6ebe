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
use super::extract::{JsonBody, idempotency_key, json_ok};
use crate::protocol::access::Scope;
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

async fn decide(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
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
    let map = body
        .as_object()
        .ok_or_else(|| ApiError::invalid_field("body", "must be a JSON object"))?;
    // The schema's `approve|reject`; the `approved|rejected` of a doc example too (§10.13).
    let approve = match map.get("decision").and_then(Value::as_str) {
        Some("approve" | "approved") => true,
        Some("reject" | "rejected") => false,
        _ => {
            return Err(ApiError::invalid_field(
                "decision",
                "must be approve or reject",
            ));
        }
    };
    let comment = match map.get("comment").or_else(|| map.get("reason")) {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) if c.chars().count() <= 1000 => Some(c.clone()),
        Some(_) => {
            return Err(ApiError::invalid_field(
                "comment",
                "must be a string of at most 1000 characters",
            ));
        }
    };
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
        .run(move |tx| {
            if let Some(key) = &key
                && let Some(response) = tx.replay(key)?
            {
                return Ok(response);
            }
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
            if let Some(key) = &key {
                tx.remember(key, &response)?;
            }
            Ok(response)
        })
        .await?;
    Ok(json_ok(response))
}
