//! The inbox (spec §7.5, §9.1): threads written for `reply_to` and the owner's actions on
//! them (reply, delegate, approve, reject, read, delete messages), the change feed, and
//! approval decisions (§8.5). Owners are named in any `agent://` form and normalised by
//! `protocol::address::inbox_address` exactly as `reply_to` was when it was stored.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::error::{ApiError, ApiResult};
use super::extract::{JsonBody, Params, idempotency_key, json_ok};
use super::{AppState, owner};
use crate::protocol::access::Scope;
use crate::protocol::webhook;
use crate::server::engine::directory::Caller;
use crate::server::engine::inbox::{self, Action, DeleteMode};
use crate::server::engine::refusal::Refusal;
use crate::server::engine::{access, webhooks};
use crate::server::store::{IdempotencyKey, InboxQuery, StoreError, ThreadRow};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/inbox", get(list))
        .route("/v1/inbox/changes", get(changes))
        .route("/v1/inbox/{thread_id}", get(show))
        .route("/v1/inbox/{thread_id}/reply", post(reply))
        .route("/v1/inbox/{thread_id}/delegate", post(delegate))
        .route("/v1/inbox/{thread_id}/approve", post(approve))
        .route("/v1/inbox/{thread_id}/reject", post(reject))
        .route("/v1/inbox/{thread_id}/read", post(read))
        .route(
            "/v1/inbox/{thread_id}/messages/delete",
            post(delete_messages),
        )
}

fn thread_not_found(thread_id: &str) -> ApiError {
    ApiError::not_found("thread_not_found", format!("no inbox thread {thread_id}"))
}

/// Thread ids are ours (intent ids) or a client's (a reply that starts a thread): short,
/// printable, no separators.
fn checked_thread_id(raw: &str) -> ApiResult<String> {
    let ok = !raw.is_empty()
        && raw.len() <= 128
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if ok {
        Ok(raw.to_string())
    } else {
        Err(thread_not_found(raw))
    }
}

/// Whether the caller sees a stored thread, given the owner it named (if any).
fn sees(caller: &Caller, named: Option<&str>, row: &ThreadRow) -> bool {
    row.workspace_id == caller.workspace_id
        && named.is_none_or(|n| n == row.owner)
        && owner::may_act_for(caller, &row.owner)
}

async fn list(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let owner = owner::scope(&caller, &params, &headers)?;
    let status = params.get("status").map(str::to_string);
    let threads = app
        .store
        .inbox_threads(caller.workspace_id.clone(), owner)
        .await?;
    let list = threads
        .iter()
        .filter(|t| match &status {
            None => true,
            Some(s) => serde_json::from_str::<Value>(t).is_ok_and(|v| v["status"] == json!(s)),
        })
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(",");
    Ok(json_ok(format!(
        "{{\"ok\":true,\"threads\":[{list}],\"items\":[{list}]}}"
    )))
}

/// `GET /v1/inbox/changes?cursor=&limit=`: the owner's threads in the order they changed;
/// a cursor is `<change number>:<thread id>` of the last change seen.
async fn changes(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let owner = owner::scope(&caller, &params, &headers)?;
    let limit = crate::num::u32_from_u64(params.int("limit", 1, 500)?.unwrap_or(50));
    let after = match params.get("cursor").filter(|c| !c.is_empty()) {
        None => 0,
        Some(cursor) => cursor
            .split(':')
            .next()
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::invalid_field("cursor", "is not a cursor from this server"))?,
    };
    let rows = app
        .store
        .inbox_changes(InboxQuery {
            workspace_id: caller.workspace_id.clone(),
            owner,
            after,
            limit: limit + 1,
        })
        .await?;
    let has_more = rows.len() > crate::num::usize_from_u64(u64::from(limit));
    let rows = &rows[..rows.len().min(crate::num::usize_from_u64(u64::from(limit)))];
    let cursor_of = |r: &ThreadRow| format!("{}:{}", r.change_seq, r.thread_id);
    let mut out = String::from("{\"ok\":true,\"changes\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"cursor\":{},\"thread\":{}}}",
            json!(cursor_of(row)),
            row.body
        ));
    }
    let next = rows.last().map(cursor_of);
    out.push_str(&format!(
        "],\"next_cursor\":{},\"has_more\":{has_more}}}",
        json!(next)
    ));
    Ok(json_ok(out))
}

async fn show(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let thread_id = checked_thread_id(&raw_id)?;
    let named = owner::named(&caller, &params, &headers)?;
    match app.store.inbox_thread(thread_id.clone()).await? {
        Some(row) if sees(&caller, named.as_deref(), &row) => {
            Ok(json_ok(format!("{{\"ok\":true,\"thread\":{}}}", row.body)))
        }
        _ => Err(thread_not_found(&thread_id)),
    }
}

/// One owner action on a thread, in one writer job (read, change, write, and the
/// `Idempotency-Key`'s answer); `extra` adds fields to the answer beside `thread`.
async fn act(
    app: &AppState,
    caller: Caller,
    request: (&str, &Params, &HeaderMap),
    name: &'static str,
    action: Action,
) -> ApiResult<Response> {
    let (raw_id, params, headers) = request;
    access::require(&caller, Scope::Inbox)?;
    let thread_id = checked_thread_id(raw_id)?;
    let named = owner::named(&caller, params, headers)?;
    if let Some(owner) = &named
        && !owner::may_act_for(&caller, owner)
    {
        return Err(ApiError::forbidden(format!(
            "{} may not use the inbox of {owner}",
            caller.address
        )));
    }
    let key = idempotency_key(headers)?.map(|key| IdempotencyKey {
        sa_id: caller.sa_id.clone(),
        endpoint: format!("POST /v1/inbox/{thread_id}/{name}"),
        key,
        body_hash: action_hash(&action),
    });
    let now = app.engine.now();
    let engine = app.engine.clone();
    let response = app
        .store
        .run(move |tx| {
            if let Some(key) = &key
                && let Some(response) = tx.replay(key)?
            {
                return Ok(response);
            }
            let mut event = match &action {
                Action::Reply { .. } => webhook::INBOX_REPLY_RECEIVED,
                _ => webhook::INBOX_THREAD_UPDATED,
            };
            let (thread, owner) = match tx.thread(&thread_id)? {
                Some(row) if sees(&caller, named.as_deref(), &row) => {
                    let thread = serde_json::from_str(&row.body)
                        .map_err(|e| StoreError::internal(e.to_string()))?;
                    (thread, row.owner)
                }
                // A reply may start a thread (spec §10.6); nothing else may.
                None if matches!(action, Action::Reply { .. }) => {
                    let owner = named.clone().unwrap_or_else(|| caller.address.clone());
                    event = webhook::INBOX_THREAD_CREATED;
                    (inbox::new_thread(&thread_id, &owner, &caller.address, now), owner)
                }
                _ => return Err(StoreError::Refused(Refusal::ThreadNotFound { thread_id })),
            };
            let mode = match &action {
                Action::DeleteMessages { mode, .. } => Some(*mode),
                _ => None,
            };
            let changed = inbox::apply(thread, &owner, &caller.address, action, now)
                .map_err(StoreError::Refused)?;
            let body = changed.thread.to_string();
            tx.put_thread(&ThreadRow {
                thread_id: thread_id.clone(),
                workspace_id: caller.workspace_id.clone(),
                owner: changed.owner.clone(),
                updated_at: now.to_string(),
                change_seq: 0,
                body: body.clone(),
            })?;
            webhooks::notify(
                &engine,
                tx,
                &caller.workspace_id,
                &changed.owner,
                event,
                json!({ "thread_id": thread_id, "action": name, "thread": changed.thread }),
            )?;
            let response = match mode {
                None => format!("{{\"ok\":true,\"thread\":{body}}}"),
                Some(mode) => format!(
                    "{{\"ok\":true,\"thread\":{body},\"mode\":\"{}\",\"deleted_count\":{},\"message_ids\":{}}}",
                    mode.as_str(),
                    changed.deleted.len(),
                    json!(changed.deleted)
                ),
            };
            if let Some(key) = &key {
                tx.remember(key, &response)?;
            }
            Ok(response)
        })
        .await?;
    Ok(json_ok(response))
}

/// What an idempotent retry must repeat: the action and its fields.
fn action_hash(action: &Action) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(format!("{action:?}").as_bytes()).into()
}

fn object(body: &Value) -> ApiResult<&serde_json::Map<String, Value>> {
    body.as_object()
        .ok_or_else(|| ApiError::invalid_field("body", "must be a JSON object"))
}

/// An optional string field of at most `max` characters.
fn text(body: &Value, field: &str, max: usize) -> ApiResult<Option<String>> {
    match object(body)?.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(ApiError::invalid_field(
            field,
            format!("must be at most {max} characters"),
        )),
        Some(_) => Err(ApiError::invalid_field(field, "must be a string")),
    }
}

async fn reply(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let message = text(&body, "message", 131_072)?
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| {
            ApiError::invalid_field("message", "is required (1 to 131072 characters)")
        })?;
    let action = Action::Reply { message };
    act(&app, caller, (&raw_id, &params, &headers), "reply", action).await
}

async fn delegate(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let raw = text(&body, "delegate_to", 383)?
        .ok_or_else(|| ApiError::invalid_field("delegate_to", "is required"))?;
    let to = owner::canonical(&caller, &raw, "delegate_to")?;
    let note = text(&body, "note", 2000)?;
    let action = Action::Delegate { to, note };
    act(
        &app,
        caller,
        (&raw_id, &params, &headers),
        "delegate",
        action,
    )
    .await
}

async fn approve(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let comment = text(&body, "comment", 2000)?;
    let action = Action::Decide {
        approve: true,
        comment,
    };
    act(
        &app,
        caller,
        (&raw_id, &params, &headers),
        "approve",
        action,
    )
    .await
}

async fn reject(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let comment = text(&body, "comment", 2000)?;
    let action = Action::Decide {
        approve: false,
        comment,
    };
    act(&app, caller, (&raw_id, &params, &headers), "reject", action).await
}

async fn read(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    act(
        &app,
        caller,
        (&raw_id, &params, &headers),
        "read",
        Action::Read,
    )
    .await
}

async fn delete_messages(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let mode = match text(&body, "mode", 16)?.as_deref() {
        None | Some("self") => DeleteMode::OwnerOnly,
        Some("both") => DeleteMode::Everyone,
        Some(_) => return Err(ApiError::invalid_field("mode", "must be self or both")),
    };
    let limit = match object(&body)?.get("limit") {
        None | Some(Value::Null) => 100,
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=100).contains(n))
            .map(crate::num::usize_from_u64)
            .ok_or_else(|| ApiError::invalid_field("limit", "must be an integer from 1 to 100"))?,
    };
    let message_ids = match object(&body)?.get("message_ids") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ids)) if ids.len() <= 100 => ids
            .iter()
            .map(|id| id.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ApiError::invalid_field("message_ids", "must be strings"))?,
        Some(_) => {
            return Err(ApiError::invalid_field(
                "message_ids",
                "must be an array of at most 100 message ids",
            ));
        }
    };
    let action = Action::DeleteMessages {
        mode,
        message_ids,
        limit,
    };
    act(
        &app,
        caller,
        (&raw_id, &params, &headers),
        "messages/delete",
        action,
    )
    .await
}
