//! `POST /v1/scenarios/validate` and `/apply` (spec §6.2–6.3, §12.3).
//!
//! Apply provisions the bundle's `create_if_missing` agents in the caller's workspace (no
//! keys: the CLI mints them), stores their delivery settings, creates the parent intent and
//! starts its workflow — all in one write transaction, replayed on an Idempotency-Key.
//! This file checks the request and the caller's rights; what applying writes is decided
//! and committed by `engine::workflow::apply`.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{idempotency_key, json_of, json_value};
use super::typed::{Lenient, LenientBody};
use super::validate;
use crate::protocol::access::{Role, Scope};
use crate::protocol::scenario::{self, Bundle, ScenarioBundleBody};
use crate::protocol::{AgentRef, DeliveryMode};
use crate::server::engine::access;
use crate::server::engine::directory::{Caller, new_account_id};
use crate::server::engine::workflow::apply::{self, Applicant, ResolvedAgent};
use crate::server::store::{AccountRow, AgentDeliveryRow, IdempotencyKey};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/scenarios/validate", post(validate_bundle))
        .route("/v1/scenarios/apply", post(apply))
}

/// Read by `scenario::normalize`, not serde: it reports every problem of a bundle at once
/// (with its path), which `validate` answers as a 200 report and `apply` as one 422 listing
/// them all, and it accepts the runner specs' dialects (see `protocol::scenario`).
impl LenientBody for ScenarioBundleBody {}

/// Needs a key like every route but `/health`, `/metrics` and `/openapi.json`.
pub(super) async fn validate_bundle(
    _caller: Caller,
    Lenient { raw: body, .. }: Lenient<ScenarioBundleBody>,
) -> ApiResult<Response> {
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

/// The bundle's agents against the caller's workspace and rights: names checked, missing
/// ones made (admin only), delivery settings changed only by an admin of the agent.
fn resolve_agents(
    app: &AppState,
    caller: &Caller,
    bundle: &Bundle,
) -> ApiResult<Vec<ResolvedAgent>> {
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
        let to_workspace_id = match AgentRef::parse(&address) {
            Some(AgentRef::Full(addr)) => app.directory.workspace_of(&addr),
            _ => None,
        };
        // Naming another workspace's agent sends it the step intents: its policy decides.
        super::intents::receiver_admits(app, caller, &address, to_workspace_id.as_deref())?;
        let mut resolved = ResolvedAgent {
            role: a.role.clone(),
            address: address.clone(),
            to_workspace_id,
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

pub(super) async fn apply(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Lenient { raw: body, .. }: Lenient<ScenarioBundleBody>,
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
    let key = idempotency_key(&headers)?.or(bundle.idempotency_key.clone());
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
    let reply_to = match bundle.intent.reply_to.as_deref() {
        None | Some("self" | "initiator_inbox") => caller.address.clone(),
        Some(other) => {
            let (address, workspace) = super::intents::resolve_address(&app, &caller, other);
            super::intents::receiver_admits(&app, &caller, &address, workspace.as_deref())?;
            address
        }
    };
    let applicant = Applicant {
        sa_id: caller.sa_id.clone(),
        workspace_id: caller.workspace_id.clone(),
        address: caller.address.clone(),
        reply_to,
    };
    let plan = apply::plan(&app.engine, &bundle, &agents, &applicant, idempotency)?;
    let engine = app.engine.clone();
    let applied = app
        .store
        .run(move |tx| apply::commit(&engine, tx, plan))
        .await?;
    for a in &agents {
        if let Some(account) = &a.account
            && applied.created_accounts.contains(&account.sa_id)
        {
            app.directory.add_account(account.clone());
        }
    }
    Ok(json_of(&applied.response))
}
