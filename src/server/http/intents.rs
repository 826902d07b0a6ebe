//! Intents: create, get, list, events, resolve, resume, cancel (spec §3.3–3.8).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{Params, idempotency_key, json_ok};
use super::typed::Typed;
use crate::protocol::access::Scope;
use crate::protocol::intent::{CancelRequest, ResumeRequest, Warning};
use crate::protocol::{
    AgentAddress, AgentRef, CreateIntentRequest, CreateIntentResponse, IntentMirror,
    ResolveRequest, ResumeBody, Status, Timestamp,
};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::engine::lifecycle::{self, CreateInput, ResolveInput};
use crate::server::engine::policy;
use crate::server::engine::reactor::ORCHESTRATOR;
use crate::server::engine::timers;
use crate::server::store::{
    CreateOutcome, Decide, IdempotencyKey, IntentMeta, NewIntent, StoreError, StoreResult,
    Transitioned,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/intents", post(create).get(list))
        .route("/v1/intents/{intent_id}", get(get_one))
        .route("/v1/intents/{intent_id}/events", get(events))
        .route("/v1/intents/{intent_id}/resolve", post(resolve))
        .route("/v1/intents/{intent_id}/resume", post(resume))
        .route("/v1/intents/{intent_id}/cancel", post(cancel))
}

const CREATE_ENDPOINT: &str = "POST /v1/intents";

/// Intent ids are UUIDs; anything else cannot name an intent, so it is a 404.
pub fn checked_id(raw: &str) -> ApiResult<String> {
    uuid::Uuid::parse_str(raw)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| ApiError::intent_not_found(raw))
}

/// Canonical address of `to_agent` and the workspace that hosts it, if we know it.
/// A bare name means an agent of the caller's workspace; other strings are kept as given.
pub fn resolve_address(app: &AppState, caller: &Caller, raw: &str) -> (String, Option<String>) {
    match AgentRef::parse(raw) {
        Some(AgentRef::Full(address)) => {
            let workspace = app.directory.workspace_of(&address);
            (address.to_string(), workspace)
        }
        Some(AgentRef::Bare(name)) => (
            caller.address_in_workspace(&name),
            Some(caller.workspace_id.clone()),
        ),
        None => (raw.to_string(), None),
    }
}

/// The receiver's policy admits the caller (always within its own workspace).
pub fn receiver_admits(
    app: &AppState,
    caller: &Caller,
    to_agent: &str,
    to_workspace_id: Option<&str>,
) -> ApiResult<()> {
    if to_workspace_id.is_none_or(|ws| ws == caller.workspace_id) {
        return Ok(());
    }
    let policy = app.engine.receive_policy(to_agent);
    Ok(policy::admits(
        &policy,
        to_workspace_id,
        &caller.workspace_id,
        &caller.address,
    )?)
}

/// A warning when nothing is registered at `to_agent` (no service account and no live
/// listener there): the intent is accepted (§3.3 soft-fail) but will wait for an agent.
fn unregistered_warning(
    app: &AppState,
    to_agent: &str,
    workspace_id: Option<&str>,
) -> Option<Warning> {
    if to_agent == ORCHESTRATOR {
        return None;
    }
    // Someone listening is the usual case, and the cheaper question.
    if app.engine.listeners.any_live(to_agent) {
        return None;
    }
    if let (Some(address), Some(ws)) = (AgentAddress::parse(to_agent), workspace_id)
        && app.directory.has_account_named(ws, &address.name)
    {
        return None;
    }
    Some(Warning {
        code: "agent_not_registered".to_string(),
        message: format!(
            "no agent is registered at {to_agent}: the intent waits until one listens there (or its delivery attempts run out)"
        ),
    })
}

/// Hash of the body with sorted keys (serde_json's default map is ordered), ignoring the
/// server-derived `from_agent`.
fn canonical_hash(body: &Value) -> [u8; 32] {
    let mut body = body.clone();
    if let Some(map) = body.as_object_mut() {
        map.remove("from_agent");
    }
    Sha256::digest(body.to_string().as_bytes()).into()
}

/// Fingerprint of a create request: what the sender meant. The SDK makes a new
/// `correlation_id` on every call, so it is left out (a replay answers the original intent,
/// with its original one); a relative `deadline_seconds` stands for the `deadline_at`
/// computed from it, which differs on every run.
fn create_fingerprint(body: &Value) -> [u8; 32] {
    let mut body = body.clone();
    if let Some(map) = body.as_object_mut() {
        map.remove("correlation_id");
        if map.get("deadline_seconds").is_some_and(|d| !d.is_null()) {
            map.remove("deadline_at");
        }
    }
    canonical_hash(&body)
}

pub(super) async fn create(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Typed<CreateIntentRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsWrite)?;
    let idempotency = idempotency_key(&headers)?;
    let (mut request, body) = body.decoded()?;
    let now = app.engine.now();
    // Stored as it will be queried (`GET /v1/inbox?owner_agent=…`); other strings as given.
    if let Some(reply_to) = &request.reply_to
        && let Some(canonical) = crate::protocol::address::inbox_address(
            reply_to,
            &caller.org_slug,
            &caller.workspace_slug,
        )
    {
        request.reply_to = Some(canonical);
    }
    if let (None, Some(seconds)) = (&request.deadline_at, request.deadline_seconds) {
        request.deadline_at =
            Some(now.plus_ms(crate::num::i64_from_u64(seconds.saturating_mul(1000))));
    }
    let (to_agent, to_workspace_id) = resolve_address(&app, &caller, &request.to_agent);
    if let Some(kill) = app.engine.mesh.killed(&caller.address) {
        return Err(super::sse::killed_refusal(
            &caller.address,
            &kill,
            "its sends are refused",
        ));
    }
    if let Some(kill) = app.engine.mesh.killed(&to_agent) {
        return Err(super::sse::killed_refusal(
            &to_agent,
            &kill,
            "new intents to it are refused",
        ));
    }
    receiver_admits(&app, &caller, &to_agent, to_workspace_id.as_deref())?;
    // A completion thread lands in `reply_to`'s inbox: the same rule as a send.
    if let Some(reply_to) = request.reply_to.as_deref() {
        let (address, workspace) = resolve_address(&app, &caller, reply_to);
        receiver_admits(&app, &caller, &address, workspace.as_deref())?;
    }
    let warnings = unregistered_warning(&app, &to_agent, to_workspace_id.as_deref())
        .into_iter()
        .collect();
    let correlation_id = request
        .correlation_id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let intent_id = uuid::Uuid::now_v7().to_string();
    let (intent, events) = lifecycle::create(CreateInput {
        intent_id: intent_id.clone(),
        request,
        from_agent: caller.address.clone(),
        to_agent: to_agent.clone(),
        correlation_id,
        now,
    });
    let intent_json = encode(&intent)?;
    let mut encoded = Vec::with_capacity(events.len());
    for event in &events {
        encoded.push((event.seq, encode(event)?));
    }
    let response_json = encode(&CreateIntentResponse {
        ok: true,
        intent_id: intent_id.clone(),
        status: intent.status,
        created_at: now,
        warnings,
    })?;
    let new = NewIntent {
        meta: IntentMeta {
            workspace_id: caller.workspace_id.clone(),
            to_workspace_id,
            sender_sa_id: caller.sa_id.clone(),
            to_agent,
        },
        intent_id,
        status: intent.status,
        created_at: now.to_string(),
        intent_json,
        events: encoded,
        idempotency: idempotency.map(|key| IdempotencyKey {
            sa_id: caller.sa_id.clone(),
            endpoint: CREATE_ENDPOINT.to_string(),
            key,
            body_hash: create_fingerprint(&body),
        }),
        response_json,
        timers: timers::initial_timers(&app.engine, &intent),
    };
    match app.store.create_intent(new).await? {
        CreateOutcome::Created { response } => {
            app.metrics
                .intents_created
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(json_ok(response))
        }
        CreateOutcome::Replayed { response } => Ok(json_ok(response)),
    }
}

/// Serialization of our own types cannot fail; mapped to a 500 all the same.
pub fn encode<T: serde::Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(|e| ApiError::internal(e.to_string()))
}

pub(super) async fn get_one(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsRead)?;
    let intent_id = checked_id(&raw_id)?;
    match app.store.get_intent(intent_id.clone()).await? {
        Some(row) if access::sees(&caller, &row.meta) => Ok(json_ok(with_mirror(&row.json)?)),
        _ => Err(ApiError::intent_not_found(&intent_id)),
    }
}

/// `{"ok":true,"intent":{…}}` plus the top-level mirror of `payload` and the status
/// fields that example agents read there (spec §12.6).
fn with_mirror(intent_json: &str) -> ApiResult<String> {
    let mirror: IntentMirror =
        serde_json::from_str(intent_json).map_err(|e| ApiError::internal(e.to_string()))?;
    let mirror = encode(&mirror)?;
    // `mirror` is a non-empty object: splice its fields after `intent`.
    let fields = mirror
        .strip_prefix('{')
        .and_then(|m| m.strip_suffix('}'))
        .unwrap_or_default();
    Ok(format!("{{\"ok\":true,\"intent\":{intent_json},{fields}}}"))
}

pub fn parse_statuses(raw: &str) -> ApiResult<Vec<Status>> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<Status>()
                .map_err(|e| ApiError::invalid_field("status", e))
        })
        .collect()
}

pub(super) async fn list(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsRead)?;
    let mut query = super::intent_filter::from_params(&app, &caller, &params)?;
    let limit = crate::num::u32_from_u64(params.int("limit", 1, 500)?.unwrap_or(50));
    query.before = match params.get("cursor") {
        None => None,
        Some(c) => Some(
            c.strip_prefix('p')
                .and_then(|n| n.parse::<i64>().ok())
                .ok_or_else(|| {
                    ApiError::invalid_field("cursor", "is not a cursor from this server")
                })?,
        ),
    };
    query.limit = limit + 1;
    let page = app.store.list_intents(query).await?;
    let more = page.rows.len() > limit as usize;
    let rows = &page.rows[..page.rows.len().min(limit as usize)];
    let mut out = String::with_capacity(64 + rows.iter().map(|r| r.1.len() + 1).sum::<usize>());
    out.push_str("{\"ok\":true,\"intents\":[");
    for (i, (_, json)) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(json);
    }
    out.push(']');
    if let (true, Some((position, _))) = (more, rows.last()) {
        out.push_str(&format!(",\"next_cursor\":\"p{position}\""));
    }
    out.push('}');
    Ok(json_ok(out))
}

pub(super) async fn events(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsRead)?;
    let intent_id = checked_id(&raw_id)?;
    let since = params.int("since", 0, i64::MAX as u64)?.unwrap_or(0);
    match app.store.events_after(intent_id.clone(), since).await? {
        Some((row, events)) if access::sees(&caller, &row.meta) => Ok(json_ok(format!(
            "{{\"ok\":true,\"events\":[{}]}}",
            events.join(",")
        ))),
        _ => Err(ApiError::intent_not_found(&intent_id)),
    }
}

fn render_resolve(done: &Transitioned) -> StoreResult<String> {
    let event = match done.events.last() {
        Some(event) => StoreError::encode(event)?,
        None => "null".to_string(),
    };
    let completion = match &done.intent.reply_to {
        None => json!({ "delivered": false, "reason": "reply_to_not_set" }),
        // The reactor wrote the inbox thread in the same transaction (spec §7.5).
        Some(reply_to) if done.intent.status.is_terminal() => json!({
            "delivered": true,
            "reply_to": reply_to,
            "thread_id": done.intent.intent_id,
            "message_id": format!("msg-{}", done.intent.intent_id),
            "completion": {
                "status": done.intent.status,
                "result": done.intent.result,
                "error": done.intent.error,
            },
        }),
        Some(reply_to) => {
            json!({ "delivered": false, "reason": "not_terminal", "reply_to": reply_to })
        }
    };
    Ok(format!(
        "{{\"ok\":true,\"intent\":{},\"event\":{event},\"completion_delivery\":{completion}}}",
        done.intent_json
    ))
}

fn render_resume(done: &Transitioned) -> StoreResult<String> {
    let mut out = format!(
        "{{\"ok\":true,\"applied\":{},\"intent\":{},\"policy_generation\":{}",
        !done.events.is_empty(),
        done.intent_json,
        done.intent.policy_generation.unwrap_or(0)
    );
    if let Some(event) = done.events.last() {
        out.push_str(",\"event\":");
        out.push_str(&StoreError::encode(event)?);
    }
    out.push('}');
    Ok(out)
}

/// Runs a mutation, under the request's `Idempotency-Key` when it has one.
async fn mutate(
    app: &AppState,
    caller: &Caller,
    request: (&HeaderMap, &Value, &str),
    intent_id: String,
    decide: Decide,
    render: fn(&Transitioned) -> StoreResult<String>,
) -> ApiResult<Response> {
    let (headers, body, action) = request;
    match idempotency_key(headers)? {
        Some(key) => {
            let key = IdempotencyKey {
                sa_id: caller.sa_id.clone(),
                endpoint: format!("POST /v1/intents/{intent_id}/{action}"),
                key,
                body_hash: canonical_hash(body),
            };
            let response = app
                .store
                .transition_idempotent(intent_id, decide, key, Box::new(render))
                .await?;
            Ok(json_ok(response))
        }
        None => {
            let done = app.store.transition(intent_id, decide).await?;
            Ok(json_ok(render(&done)?))
        }
    }
}

fn resolve_decision(
    caller: Caller,
    input: ResolveInput,
    expected: Option<u64>,
    now: Timestamp,
) -> Decide {
    Box::new(move |meta, intent| {
        lifecycle::authorize_change(&caller, meta, &intent)?;
        lifecycle::check_generation(&intent, expected)?;
        lifecycle::resolve(&caller, meta, intent, input, &now)
    })
}

pub(super) async fn resolve(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    body: Typed<ResolveRequest>,
) -> ApiResult<Response> {
    // An owner scope (§4.3) must be one the caller acts for (400 on a conflict, else 403).
    super::owner::scope(&caller, &params, &headers)?;
    access::require(&caller, Scope::IntentsWrite)?;
    let intent_id = checked_id(&raw_id)?;
    let (request, body) = body.decoded()?;
    let expected = request.expected_policy_generation;
    let input = ResolveInput {
        // `check` refused a body without one.
        status: request.status.unwrap_or(Status::Canceled),
        actor: request.actor,
        result: request.result,
        error: request.error,
        reason: request.reason,
    };
    let decide = resolve_decision(caller.clone(), input, expected, app.engine.now());
    let request = (&headers, &body, "resolve");
    let answer = mutate(&app, &caller, request, intent_id, decide, render_resolve).await?;
    app.engine.mesh.answered(&caller.address, app.engine.now());
    Ok(answer)
}

pub(super) async fn cancel(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    body: Typed<CancelRequest>,
) -> ApiResult<Response> {
    // An owner scope (§4.3) must be one the caller acts for (400 on a conflict, else 403).
    super::owner::scope(&caller, &params, &headers)?;
    access::require(&caller, Scope::IntentsWrite)?;
    let intent_id = checked_id(&raw_id)?;
    let (request, body) = body.decoded()?;
    let input = ResolveInput {
        status: Status::Canceled,
        actor: request.actor,
        result: None,
        error: None,
        reason: Some(request.reason.unwrap_or_else(|| "canceled".to_string())),
    };
    let decide = resolve_decision(caller.clone(), input, None, app.engine.now());
    let request = (&headers, &body, "cancel");
    mutate(&app, &caller, request, intent_id, decide, render_resolve).await
}

pub(super) async fn resume(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
    body: Typed<ResumeRequest>,
) -> ApiResult<Response> {
    // An owner scope (§4.3) must be one the caller acts for (400 on a conflict, else 403).
    super::owner::scope(&caller, &params, &headers)?;
    // Answering a human task takes `tasks` (or `intents:write`); anything else `intents:write`.
    if !caller.scopes.has(Scope::Tasks) {
        access::require(&caller, Scope::IntentsWrite)?;
    }
    let intent_id = checked_id(&raw_id)?;
    let (request, body) = body.decoded()?;
    let field = ["task_result", "action", "outcome"]
        .into_iter()
        .find(|f| body.get(f).is_some())
        .unwrap_or("body");
    let expected = request.expected_policy_generation;
    // Fields not named in `ResumeRequest` are the result: the dialect reads the whole JSON.
    let dialect =
        ResumeBody::classify(body.clone()).map_err(|m| ApiError::invalid_field(field, m))?;
    let now = app.engine.now();
    let actor = caller.clone();
    let decide: Decide = Box::new(move |meta, intent| {
        lifecycle::authorize_change(&actor, meta, &intent)?;
        lifecycle::check_generation(&intent, expected)?;
        match dialect {
            // A workflow parent waiting for a human: the answer advances the workflow.
            ResumeBody::TaskResult(task)
                if intent.compile_id.is_some()
                    && intent.waiting_reason
                        == Some(crate::protocol::WaitingReason::WaitingForHuman) =>
            {
                answers_tasks(&actor)?;
                crate::server::engine::workflow::answer(&actor.address, intent, task, &now)
            }
            // `approve_current_step` on a human gate: the same as answering "approved".
            ResumeBody::Control(fields)
                if intent.compile_id.is_some()
                    && intent.waiting_reason
                        == Some(crate::protocol::WaitingReason::WaitingForHuman)
                    && fields.get("approve_current_step").and_then(Value::as_bool)
                        == Some(true) =>
            {
                answers_tasks(&actor)?;
                let mut task = serde_json::Map::new();
                task.insert("outcome".into(), Value::String("approved".into()));
                crate::server::engine::workflow::answer(&actor.address, intent, task, &now)
            }
            // A direct human task: answered with `tasks` (or `intents:write`) like a step's.
            ResumeBody::TaskResult(task) if intent.human_task.is_some() => {
                answers_tasks(&actor)?;
                lifecycle::resume(&actor, meta, intent, ResumeBody::TaskResult(task), &now)
            }
            dialect => {
                access::require(&actor, Scope::IntentsWrite)?;
                lifecycle::resume(&actor, meta, intent, dialect, &now)
            }
        }
    });
    let request = (&headers, &body, "resume");
    let answer = mutate(&app, &caller, request, intent_id, decide, render_resume).await?;
    app.engine.mesh.answered(&caller.address, app.engine.now());
    Ok(answer)
}

/// A human task is answered with the `tasks` scope or `intents:write`.
fn answers_tasks(caller: &Caller) -> Result<(), crate::server::engine::refusal::Refusal> {
    if caller.scopes.has(Scope::Tasks) {
        Ok(())
    } else {
        access::require(caller, Scope::IntentsWrite)
    }
}
