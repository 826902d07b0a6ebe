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
use super::extract::{Params, idempotency_key, json_ok};
use super::typed::{RequestBody, Typed, at_most, within};
use super::{AppState, owner};
use crate::protocol::access::Scope;
use crate::protocol::task::{CommentRequest, DelegateRequest, DeleteMessagesRequest, ReplyRequest};
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

pub(super) async fn list(
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

pub(super) async fn show(
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
        Some(row) if owner::sees(&caller, named.as_deref(), &row.workspace_id, &row.owner) => {
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
        .run_keyed(key, move |tx| {
            let mut event = match &action {
                Action::Reply { .. } => webhook::INBOX_REPLY_RECEIVED,
                _ => webhook::INBOX_THREAD_UPDATED,
            };
            let (thread, owner) = match tx.thread(&thread_id)? {
                Some(row)
                    if owner::sees(&caller, named.as_deref(), &row.workspace_id, &row.owner) =>
                {
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

impl RequestBody for ReplyRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        if self.message.trim().is_empty() || self.message.chars().count() > 131_072 {
            return Err(Self::missing("message", &Value::Null));
        }
        Ok(self)
    }

    fn missing(field: &str, _: &Value) -> ApiError {
        ApiError::invalid_field(field, "is required (1 to 131072 characters)")
    }
}

impl RequestBody for DelegateRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        at_most("delegate_to", Some(&self.delegate_to), 383)?;
        at_most("note", self.note.as_deref(), 2000)?;
        Ok(self)
    }
}

impl RequestBody for CommentRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        at_most("comment", self.comment.as_deref(), 2000)?;
        Ok(self)
    }
}

impl RequestBody for DeleteMessagesRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        if !matches!(self.mode.as_deref(), None | Some("self" | "both")) {
            return Err(ApiError::invalid_field("mode", "must be self or both"));
        }
        if self.message_ids.as_ref().is_some_and(|ids| ids.len() > 100) {
            return Err(ApiError::invalid_field(
                "message_ids",
                "must be an array of at most 100 message ids",
            ));
        }
        within("limit", self.limit, 1, 100)?;
        Ok(self)
    }
}

pub(super) async fn reply(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    body: Typed<ReplyRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let (request, _) = body.decoded()?;
    let action = Action::Reply {
        message: request.message,
    };
    act(&app, caller, (&raw_id, &params, &headers), "reply", action).await
}

pub(super) async fn delegate(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    body: Typed<DelegateRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let (request, _) = body.decoded()?;
    let to = owner::canonical(&caller, &request.delegate_to, "delegate_to")?;
    let action = Action::Delegate {
        to,
        note: request.note,
    };
    act(
        &app,
        caller,
        (&raw_id, &params, &headers),
        "delegate",
        action,
    )
    .await
}

pub(super) async fn approve(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    body: Typed<CommentRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let (request, _) = body.decoded()?;
    let action = Action::Decide {
        approve: true,
        comment: request.comment,
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

pub(super) async fn reject(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    body: Typed<CommentRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let (request, _) = body.decoded()?;
    let action = Action::Decide {
        approve: false,
        comment: request.comment,
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

pub(super) async fn delete_messages(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    body: Typed<DeleteMessagesRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Inbox)?;
    let (request, _) = body.decoded()?;
    let mode = match request.mode.as_deref() {
        Some("both") => DeleteMode::Everyone,
        _ => DeleteMode::OwnerOnly,
    };
    let limit = crate::num::usize_from_u64(request.limit.unwrap_or(100));
    let message_ids = request.message_ids.unwrap_or_default();
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
