//! `POST /v1/scenarios/validate` and `/apply` (spec §6.2–6.3, §12.3).
//!
//! Apply provisions the bundle's `create_if_missing` agents in the caller's workspace (no
//! keys: the CLI mints them), stores their delivery settings, creates the parent intent and
//! starts its workflow — all in one write transaction, replayed on an Idempotency-Key.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{JsonBody, json_of, json_value};
use super::intents::encode;
use super::validate;
use crate::protocol::AgentRef;
use crate::protocol::access::{Role, Scope};
use crate::protocol::scenario::{self, ApplyResponse, Bundle, ProvisionedAgent};
use crate::protocol::{DeliveryMode, Timestamp};
use crate::server::engine::access;
use crate::server::engine::directory::{Caller, new_account_id};
use crate::server::engine::lifecycle::{self, CreateInput};
use crate::server::engine::reactor::ORCHESTRATOR;
use crate::server::engine::timers;
use crate::server::engine::workflow::{self, Binding, WorkflowState};
use crate::server::store::{
    AccountRow, AgentDeliveryRow, IdempotencyKey, IntentMeta, NewIntent, StoreError,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/scenarios/validate", post(validate_bundle))
        .route("/v1/scenarios/apply", post(apply))
}

/// Needs a key like every route but `/health`, `/metrics` and `/openapi.json`.
async fn validate_bundle(_caller: Caller, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let report = scenario::validate(&body);
    Ok(json_value(
        &serde_json::to_value(report).unwrap_or(Value::Null),
    ))
}

/// A new random secret for signing pushes (256 bits, hex).
pub fn new_push_secret() -> String {
    let mut buf = [0u8; 32];
    rand::fill(&mut buf[..]);
    format!("whsec_{}", hex::encode(buf))
}

/// One bundle agent, resolved against the caller's workspace.
struct Resolved {
    role: String,
    address: String,
    /// Set when the agent lives in the caller's workspace.
    account: Option<AccountRow>,
    exists: bool,
    delivery: Option<AgentDeliveryRow>,
    new_secret: Option<String>,
}

fn resolve_agents(app: &AppState, caller: &Caller, bundle: &Bundle) -> ApiResult<Vec<Resolved>> {
    let mut out = Vec::new();
    for (i, a) in bundle.agents.iter().enumerate() {
        let path = format!("agents[{i}].address");
        let (address, own_name) = match AgentRef::parse(&a.address) {
            Some(AgentRef::Full(addr))
                if addr.org == caller.org_slug && addr.workspace == caller.workspace_slug =>
            {
                (addr.to_string(), Some(addr.name))
            }
            Some(AgentRef::Full(addr)) => (addr.to_string(), None),
            Some(AgentRef::Bare(name)) => (caller.address_in_workspace(&name), Some(name)),
            None => return Err(ApiError::invalid_field(&path, "is not an agent address")),
        };
        let mut resolved = Resolved {
            role: a.role.clone(),
            address: address.clone(),
            account: None,
            exists: true,
            delivery: None,
            new_secret: None,
        };
        if let Some(name) = own_name {
            validate::slug(&path, &name)?;
            let existing = app.directory.account_named(&caller.workspace_id, &name);
            if existing.is_none() && !a.create_if_missing {
                return Err(ApiError::invalid_field(
                    &path,
                    format!("agent '{name}' does not exist and create_if_missing is false"),
                ));
            }
            if existing.is_none() && access::administers(caller).is_err() {
                return Err(ApiError::forbidden(format!(
                    "{path}: creating agent '{name}' needs an admin key of the workspace"
                )));
            }
            resolved.exists = existing.is_some();
            let at = app.now().to_string();
            let account = existing.unwrap_or_else(|| AccountRow {
                sa_id: new_account_id(),
                org_id: caller.org_id.clone(),
                workspace_id: caller.workspace_id.clone(),
                name: name.clone(),
                display_name: a.display_name.clone(),
                description: None,
                status: "active".into(),
                role: Role::Agent,
                created_at: at.clone(),
                updated_at: at,
            });
            // Delivery settings are stored only for agents of the caller's own workspace,
            // and only changed by whoever administers the agent: otherwise any key could
            // point another agent's deliveries (payloads included) at its own URL.
            if a.delivery_mode.is_some() || a.callback_url.is_some() {
                let mode = a.delivery_mode.unwrap_or(DeliveryMode::Http);
                let known = app.engine.agent(&address);
                let (current_mode, current_url) = match &known {
                    Some(k) => (k.delivery_mode, k.callback_url.as_deref()),
                    None => (DeliveryMode::Stream, None),
                };
                let unchanged = mode == current_mode && a.callback_url.as_deref() == current_url;
                if resolved.exists && unchanged {
                    resolved.account = Some(account);
                    out.push(resolved);
                    continue;
                }
                if resolved.exists && access::administers(caller).is_err() {
                    return Err(ApiError::forbidden(format!(
                        "{path}: changing the delivery of existing agent '{name}' needs an admin key of the workspace"
                    )));
                }
                let mut secret = known.and_then(|k| k.secret);
                if mode == DeliveryMode::Http && secret.is_none() {
                    let fresh = new_push_secret();
                    resolved.new_secret = Some(fresh.clone());
                    secret = Some(fresh);
                }
                resolved.delivery = Some(AgentDeliveryRow {
                    address: address.clone(),
                    sa_id: account.sa_id.clone(),
                    workspace_id: caller.workspace_id.clone(),
                    delivery_mode: mode,
                    callback_url: a.callback_url.clone(),
                    secret,
                });
            }
            resolved.account = Some(account);
        }
        out.push(resolved);
    }
    Ok(out)
}

fn deadline_of(app: &AppState, bundle: &Bundle, now: Timestamp) -> Option<Timestamp> {
    if let Some(at) = &bundle.intent.deadline_at {
        return chrono::DateTime::parse_from_rfc3339(at)
            .ok()
            .map(|t| Timestamp::from_datetime(t.with_timezone(&chrono::Utc)));
    }
    let seconds = bundle.intent.deadline_seconds?;
    Some(now.plus_ms(app.engine.scaled_ms(seconds)))
}

async fn apply(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    access::require(&caller, Scope::IntentsWrite)?;
    let (bundle, report) = scenario::normalize(&body);
    let bundle = match bundle {
        Some(b) if report.errors.is_empty() => b,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_error",
                "validation",
                format!(
                    "the scenario bundle is invalid: {}",
                    report.errors.join("; ")
                ),
            )
            .with_details(json!({ "errors": report.errors, "warnings": report.warnings })));
        }
    };
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 255)
        .or(bundle.idempotency_key.clone());
    let idempotency = key.map(|key| IdempotencyKey {
        sa_id: caller.sa_id.clone(),
        endpoint: "POST /v1/scenarios/apply".into(),
        key,
        body_hash: Sha256::digest(body.to_string().as_bytes()).into(),
    });
    let agents = resolve_agents(&app, &caller, &bundle)?;
    // Known before the job runs, so the first step intent is already pushed, not polled.
    for a in &agents {
        if let Some(d) = &a.delivery {
            app.engine.set_agent(d.clone());
        }
    }
    let bindings: HashMap<String, Binding> = bundle
        .agents
        .iter()
        .zip(&agents)
        .map(|(spec, r)| {
            let internal = (spec.delivery_mode == Some(DeliveryMode::Internal))
                .then(|| spec.internal_outcome.clone().unwrap_or(json!({})));
            let to_ws = match AgentRef::parse(&r.address) {
                Some(AgentRef::Full(addr)) => app.directory.workspace_of(&addr),
                _ => None,
            };
            (
                r.role.clone(),
                Binding {
                    address: r.address.clone(),
                    to_workspace_id: to_ws,
                    internal,
                },
            )
        })
        .collect();
    let now = app.engine.now();
    let parent_id = uuid::Uuid::now_v7().to_string();
    let compile_id = format!("cmp-{}", uuid::Uuid::new_v4().simple());
    let reply_to = match bundle.intent.reply_to.as_deref() {
        None | Some("self") | Some("initiator_inbox") => caller.address.clone(),
        Some(other) => super::intents::resolve_address(&app, &caller, other).0,
    };
    let direct = bundle.steps.is_empty();
    let to_agent = match (&bundle.intent.to_agent, direct) {
        (Some(role), true) => bindings
            .get(role)
            .map(|b| b.address.clone())
            .unwrap_or_else(|| ORCHESTRATOR.to_string()),
        _ => ORCHESTRATOR.to_string(),
    };
    let i = &bundle.intent;
    let (mut parent, events) = lifecycle::create(CreateInput {
        intent_id: parent_id.clone(),
        request: crate::protocol::CreateIntentRequest {
            intent_type: i.intent_type.clone(),
            to_agent: to_agent.clone(),
            payload: i.payload.clone(),
            reply_to: Some(reply_to),
            deadline_at: deadline_of(&app, &bundle, now),
            remind_after_seconds: i.remind_after_seconds,
            remind_interval_seconds: i.remind_interval_seconds,
            max_reminders: i.max_reminders,
            escalate_to: i.escalate_to.clone(),
            max_delivery_attempts: i.max_delivery_attempts,
            human_task: if direct { i.human_task.clone() } else { None },
            ..Default::default()
        },
        from_agent: caller.address.clone(),
        to_agent: to_agent.clone(),
        correlation_id: uuid::Uuid::new_v4().to_string(),
        now,
    });
    if !direct {
        parent.compile_id = Some(compile_id.clone());
    }
    let mut encoded = Vec::new();
    for e in &events {
        encoded.push((e.seq, encode(e)?));
    }
    let to_workspace_id = match AgentRef::parse(&to_agent) {
        Some(AgentRef::Full(addr)) => app.directory.workspace_of(&addr),
        _ => None,
    };
    let new_parent = NewIntent {
        meta: IntentMeta {
            workspace_id: caller.workspace_id.clone(),
            to_workspace_id,
            sender_sa_id: caller.sa_id.clone(),
            to_agent,
        },
        intent_id: parent_id.clone(),
        status: parent.status,
        created_at: now.to_string(),
        intent_json: encode(&parent)?,
        events: encoded,
        idempotency: None,
        response_json: String::new(),
        timers: timers::initial_timers(&app.engine, &parent),
    };
    let entry = bundle
        .entry_step
        .as_ref()
        .and_then(|id| bundle.steps.iter().position(|s| &s.step_id == id))
        .unwrap_or(0);
    let state = WorkflowState {
        compile_id: compile_id.clone(),
        parent_intent_id: parent_id.clone(),
        steps: bundle.steps.clone(),
        bindings,
        meta_workspace_id: caller.workspace_id.clone(),
        sender_sa_id: caller.sa_id.clone(),
        from_agent: caller.address.clone(),
        correlation_id: parent.correlation_id.clone().unwrap_or_default(),
        intent_type: i.intent_type.clone(),
        payload: i.payload.clone(),
        max_delivery_attempts: i.max_delivery_attempts,
        remind_after_seconds: i.remind_after_seconds,
        remind_interval_seconds: i.remind_interval_seconds,
        max_reminders: i.max_reminders,
        escalate_to: i.escalate_to.clone(),
        current: None,
        attempt: 0,
        step_intent: None,
        results: Default::default(),
    };
    let accounts: Vec<AccountRow> = agents.iter().filter_map(|a| a.account.clone()).collect();
    let deliveries: Vec<AgentDeliveryRow> =
        agents.iter().filter_map(|a| a.delivery.clone()).collect();
    let provisioned: Vec<ProvisionedAgent> = agents
        .iter()
        .map(|a| {
            let sa_id = a.account.as_ref().map(|acc| acc.sa_id.clone());
            ProvisionedAgent {
                address: a.address.clone(),
                agent_address: Some(a.address.clone()),
                callback_secret: a.new_secret.clone(),
                callback_url: a.delivery.as_ref().and_then(|d| d.callback_url.clone()),
                created: !a.exists,
                delivery_mode: a.delivery.as_ref().map(|d| d.delivery_mode),
                role: a.role.clone(),
                sa_id: sa_id.clone(),
                service_account_id: sa_id,
            }
        })
        .collect();
    let engine = app.engine.clone();
    let scenario_id = bundle.scenario_id.clone();
    let deadline_at = parent.deadline_at;
    let job_key = idempotency.clone();
    let (response, created) = app
        .store
        .run(move |tx| {
            if let Some(key) = &job_key
                && let Some(earlier) = tx.replay(key)?
            {
                let mut response: ApplyResponse = serde_json::from_str(&earlier).map_err(|e| {
                    StoreError::internal(format!("stored apply answer is unreadable: {e}"))
                })?;
                response.idempotent = true;
                return Ok((response, Vec::new()));
            }
            let mut created = Vec::new();
            for account in &accounts {
                let (stored, was_created) = tx.ensure_account(account)?;
                if was_created {
                    created.push(stored.sa_id);
                }
            }
            for d in &deliveries {
                tx.put_agent_delivery(d)?;
            }
            tx.create(new_parent)?;
            if !direct {
                workflow::start(&engine, tx, state, entry)?;
            }
            let (_, parent) = tx
                .intent(&parent_id)?
                .ok_or_else(|| StoreError::internal("the new parent intent vanished"))?;
            let response = ApplyResponse {
                agents: provisioned.clone(),
                agents_provisioned: provisioned,
                compile_id: Some(compile_id.clone()),
                created_at: Some(parent.created_at),
                deadline_at,
                idempotent: false,
                intent_id: parent_id,
                ok: true,
                pending_with: parent.pending_with,
                scenario_id: Some(scenario_id),
                status: parent.status,
                workflow_compile_id: Some(compile_id),
            };
            if let Some(key) = &job_key {
                tx.remember(key, &StoreError::encode(&response)?)?;
            }
            Ok((response, created))
        })
        .await?;
    for a in &agents {
        if let Some(account) = &a.account
            && created.contains(&account.sa_id)
        {
            app.directory.add_account(account.clone());
        }
    }
    Ok(json_of(&response))
}
