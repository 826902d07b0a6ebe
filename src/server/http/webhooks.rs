//! Webhooks (spec §9.2, §7.6): subscriptions (create or update, list, revoke), events
//! (ingest) and replay. Everything is per owner (`owner_agent` / `x-owner-agent`, default
//! the caller; a key acts for its own agent, an admin for its workspace's) and needs the
//! `webhooks` scope. Each write is one writer job; delivery is `engine::webhooks`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{delete, post};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::error::{ApiError, ApiResult};
use super::extract::{Params, idempotency_key, json_of, json_ok};
use super::scenarios::new_push_secret;
use super::typed::{RequestBody, Typed};
use super::{AppState, owner};
use crate::protocol::access::Scope;
use crate::protocol::webhook::{
    EVENT_TYPES, PublishEventRequest, PublishEventResponse, ReplayEventResponse,
    RevokeSubscriptionResponse, Subscription, SubscriptionResponse, SubscriptionsResponse,
    UpsertSubscriptionRequest,
};
use crate::server::engine::directory::Caller;
use crate::server::engine::refusal::Refusal;
use crate::server::engine::{access, webhooks};
use crate::server::store::{IdempotencyKey, StoreError, SubscriptionRow, WebhookEventRow};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/webhooks/subscriptions",
            post(upsert).get(list_subscriptions),
        )
        .route(
            "/v1/webhooks/subscriptions/{subscription_id}",
            delete(revoke),
        )
        .route("/v1/webhooks/events", post(publish))
        .route("/v1/webhooks/events/{event_id}/replay", post(replay))
}

/// Ids are UUIDs; anything else names nothing.
fn checked_id(raw: &str) -> Option<String> {
    uuid::Uuid::parse_str(raw).ok().map(|u| u.to_string())
}

/// A string of `min..=max` characters, if given.
fn length(field: &str, value: Option<&str>, min: usize, max: usize) -> ApiResult<()> {
    match value {
        Some(v) if !(min..=max).contains(&v.chars().count()) => Err(ApiError::invalid_field(
            field,
            format!("must be a string of {min} to {max} characters"),
        )),
        _ => Ok(()),
    }
}

fn event_type_problem() -> String {
    format!("must be one of {}", EVENT_TYPES.join(", "))
}

fn event_types_problem() -> ApiError {
    ApiError::invalid_field(
        "event_types",
        format!(
            "must list 1 to 32 event types; each {}",
            event_type_problem()
        ),
    )
}

impl RequestBody for UpsertSubscriptionRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        // An `http(s)://` URL with a host (spec: 8 to 2048 characters).
        length("callback_url", Some(&self.callback_url), 8, 2048)?;
        let parsed = reqwest::Url::parse(&self.callback_url).ok().filter(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        });
        if parsed.is_none() {
            return Err(ApiError::invalid_field(
                "callback_url",
                "must be an http:// or https:// URL with a host",
            ));
        }
        let types = &self.event_types;
        if !(1..=32).contains(&types.len())
            || types.iter().any(|t| !EVENT_TYPES.contains(&t.as_str()))
        {
            return Err(event_types_problem());
        }
        length("secret", self.secret.as_deref(), 16, 128)?;
        length("description", self.description.as_deref(), 0, 255)?;
        Ok(self)
    }

    fn missing(field: &str, _: &Value) -> ApiError {
        match field {
            "event_types" => event_types_problem(),
            _ => ApiError::invalid_field(field, "is required"),
        }
    }
}

impl RequestBody for PublishEventRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        if !EVENT_TYPES.contains(&self.event_type.as_str()) {
            return Err(ApiError::invalid_field("event_type", event_type_problem()));
        }
        if !(2..=100).contains(&self.source.chars().count()) {
            return Err(Self::missing("source", &Value::Null));
        }
        if !self.payload.is_object() {
            return Err(ApiError::invalid_field("payload", "must be a JSON object"));
        }
        Ok(self)
    }

    fn missing(field: &str, _: &Value) -> ApiError {
        match field {
            "event_type" => ApiError::invalid_field(field, event_type_problem()),
            "source" => ApiError::invalid_field(field, "is required (2 to 100 characters)"),
            "payload" => ApiError::invalid_field(field, "must be a JSON object"),
            _ => ApiError::invalid_field(field, "is required"),
        }
    }
}

fn body_hash(body: &Value) -> [u8; 32] {
    Sha256::digest(body.to_string().as_bytes()).into()
}

fn keyed(
    caller: &Caller,
    headers: &HeaderMap,
    endpoint: String,
    body: &Value,
) -> ApiResult<Option<IdempotencyKey>> {
    Ok(idempotency_key(headers)?.map(|key| IdempotencyKey {
        sa_id: caller.sa_id.clone(),
        endpoint,
        key,
        body_hash: body_hash(body),
    }))
}

fn internal(e: impl std::fmt::Display) -> StoreError {
    StoreError::internal(e.to_string())
}

/// `…` and the secret's last four characters.
fn hint(secret: &str) -> String {
    let tail: String = secret
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

/// `POST /v1/webhooks/subscriptions`: a new subscription, or the owner's live one with the
/// same `callback_url` updated (its secret kept unless a new one is given).
pub(super) async fn upsert(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
    headers: HeaderMap,
    body: Typed<UpsertSubscriptionRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Webhooks)?;
    let owner = owner::scope(&caller, &params, &headers)?;
    let (request, body) = body.decoded()?;
    let url = request.callback_url;
    let mut types: Vec<String> = Vec::new();
    for name in request.event_types {
        if !types.contains(&name) {
            types.push(name);
        }
    }
    let secret = request.secret;
    let active = request.active;
    let description = request.description;
    let key = keyed(
        &caller,
        &headers,
        format!("POST /v1/webhooks/subscriptions {owner}"),
        &body,
    )?;
    let engine = app.engine.clone();
    let workspace_id = caller.workspace_id.clone();
    let response = app
        .store
        .run_keyed(key, move |tx| {
            let now = engine.now();
            let existing = tx
                .webhooks()
                .subscriptions(&workspace_id, &owner)?
                .into_iter()
                .find(|s| s.revoked_at.is_none() && s.callback_url == url);
            let mut shown = None;
            let (row, view) = match existing.and_then(|row| webhooks::view(&row).map(|v| (row, v)))
            {
                Some((mut row, mut view)) => {
                    view.event_types = types;
                    view.active = active.unwrap_or(view.active);
                    if description.is_some() {
                        view.description = description;
                    }
                    if let Some(secret) = &secret {
                        view.secret_hint = Some(hint(secret));
                        row.secret = Some(engine.seal_secret(&row.subscription_id, secret));
                    }
                    view.updated_at = now;
                    row.active = view.active;
                    (row, view)
                }
                None => {
                    let id = uuid::Uuid::new_v4().to_string();
                    let secret = secret.unwrap_or_else(|| {
                        let fresh = new_push_secret();
                        shown = Some(fresh.clone());
                        fresh
                    });
                    let view = Subscription {
                        subscription_id: id.clone(),
                        owner_agent: owner.clone(),
                        callback_url: url.clone(),
                        event_types: types,
                        active: active.unwrap_or(true),
                        description,
                        created_at: now,
                        updated_at: now,
                        revoked_at: None,
                        secret_hint: Some(hint(&secret)),
                    };
                    let row = SubscriptionRow {
                        subscription_id: id.clone(),
                        workspace_id: workspace_id.clone(),
                        owner: owner.clone(),
                        callback_url: url.clone(),
                        secret: Some(engine.seal_secret(&id, &secret)),
                        active: view.active,
                        revoked_at: None,
                        body: String::new(),
                    };
                    (row, view)
                }
            };
            let row = SubscriptionRow {
                body: serde_json::to_string(&view).map_err(internal)?,
                ..row
            };
            tx.webhooks().put_subscription(&row)?;
            let response = serde_json::to_string(&SubscriptionResponse {
                ok: true,
                subscription: view,
                secret: shown,
            })
            .map_err(internal)?;
            Ok(response)
        })
        .await?;
    Ok(json_ok(response))
}

/// `GET /v1/webhooks/subscriptions?owner_agent=&include_inactive=false`.
async fn list_subscriptions(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Webhooks)?;
    let owner = owner::scope(&caller, &params, &headers)?;
    let all = match params.get("include_inactive") {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(_) => {
            return Err(ApiError::invalid_field(
                "include_inactive",
                "must be true or false",
            ));
        }
    };
    let workspace_id = caller.workspace_id.clone();
    let rows = app
        .store
        .run(move |tx| tx.webhooks().subscriptions(&workspace_id, &owner))
        .await?;
    let subscriptions = rows
        .iter()
        .filter(|r| all || (r.active && r.revoked_at.is_none()))
        .filter_map(webhooks::view)
        .collect();
    Ok(json_of(&SubscriptionsResponse {
        ok: true,
        subscriptions,
    }))
}

/// `DELETE /v1/webhooks/subscriptions/{id}`: revoked (again: its first revocation).
async fn revoke(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Webhooks)?;
    let named = owner::named(&caller, &params, &headers)?;
    let not_found = || Refusal::SubscriptionNotFound {
        subscription_id: raw_id.clone(),
    };
    let id = checked_id(&raw_id).ok_or_else(not_found)?;
    let engine = app.engine.clone();
    let missing = not_found();
    let answer = app
        .store
        .run(move |tx| {
            let Some(mut row) = tx
                .webhooks()
                .subscription(&id)?
                .filter(|r| owner::sees(&caller, named.as_deref(), &r.workspace_id, &r.owner))
            else {
                return Err(StoreError::Refused(missing));
            };
            let mut view =
                webhooks::view(&row).ok_or_else(|| internal("unreadable subscription"))?;
            if let Some(at) = view.revoked_at {
                return Ok((id, at));
            }
            let now = engine.now();
            view.revoked_at = Some(now);
            view.updated_at = now;
            view.active = false;
            row.revoked_at = Some(now.to_string());
            row.active = false;
            row.body = serde_json::to_string(&view).map_err(internal)?;
            tx.webhooks().put_subscription(&row)?;
            Ok((id, now))
        })
        .await?;
    Ok(json_of(&RevokeSubscriptionResponse {
        ok: true,
        subscription_id: answer.0,
        revoked_at: answer.1,
    }))
}

/// `POST /v1/webhooks/events`: stored and queued to the owner's subscriptions of its type.
pub(super) async fn publish(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
    headers: HeaderMap,
    body: Typed<PublishEventRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Webhooks)?;
    let owner = owner::scope(&caller, &params, &headers)?;
    let (request, body) = body.decoded()?;
    let event_type = request.event_type;
    let source = request.source;
    let payload = request.payload.to_string();
    let key = keyed(
        &caller,
        &headers,
        format!("POST /v1/webhooks/events {owner}"),
        &body,
    )?;
    let engine = app.engine.clone();
    let workspace_id = caller.workspace_id.clone();
    let response = app
        .store
        .run_keyed(key, move |tx| {
            let now = engine.now();
            let event = WebhookEventRow {
                event_id: uuid::Uuid::new_v4().to_string(),
                workspace_id,
                owner,
                event_type,
                source,
                payload,
                created_at: now.to_string(),
            };
            let (event, queued) = webhooks::raise(&engine, tx, event)?;
            let counts = webhooks::counts(tx, &event.event_id, queued)?;
            let response = serde_json::to_string(&PublishEventResponse {
                ok: true,
                accepted_at: now,
                event_type: event.event_type,
                source: event.source,
                owner_agent: event.owner,
                event_id: event.event_id,
                counts,
            })
            .map_err(internal)?;
            Ok(response)
        })
        .await?;
    Ok(json_ok(response))
}

/// `POST /v1/webhooks/events/{event_id}/replay`: its delivered and dead-lettered
/// deliveries queued again (pending ones are under way already).
async fn replay(
    State(app): State<AppState>,
    caller: Caller,
    Path(raw_id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Webhooks)?;
    let named = owner::named(&caller, &params, &headers)?;
    let not_found = || Refusal::WebhookEventNotFound {
        event_id: raw_id.clone(),
    };
    let id = checked_id(&raw_id).ok_or_else(not_found)?;
    let key = keyed(
        &caller,
        &headers,
        format!("POST /v1/webhooks/events/{id}/replay"),
        &Value::Null,
    )?;
    let engine = app.engine.clone();
    let missing = not_found();
    let response = app
        .store
        .run_keyed(key, move |tx| {
            let Some(event) = tx
                .webhooks()
                .event(&id)?
                .filter(|e| owner::sees(&caller, named.as_deref(), &e.workspace_id, &e.owner))
            else {
                return Err(StoreError::Refused(missing));
            };
            let queued = webhooks::replay(&engine, tx, &id)?;
            let counts = webhooks::counts(tx, &id, queued)?;
            let response = serde_json::to_string(&ReplayEventResponse {
                ok: true,
                event_id: event.event_id,
                owner_agent: event.owner,
                event_type: event.event_type,
                replayed_at: engine.now(),
                counts,
            })
            .map_err(internal)?;
            Ok(response)
        })
        .await?;
    Ok(json_ok(response))
}
