//! Agents registry (spec §3.11): every service account is an agent at
//! `agent://org/workspace/name`. Also routes `/v1/agents/{address}/intents/stream`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{Params, json_of};
use crate::protocol::access::Scope;
use crate::protocol::account::{AgentResponse, AgentView, AgentsResponse};
use crate::protocol::{AgentAddress, AgentRef, DeliveryMode, Status};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::store::{AccountRow, DeliveryQuery};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/agents", get(list)).route(
        "/v1/agents/{*rest}",
        get(agent_or_stream)
            .put(super::policy::put_policy)
            .post(super::policy::post_entry)
            .delete(super::policy::delete_entry),
    )
}

fn agent_view(app: &AppState, account: &AccountRow, with_updated: bool) -> AgentView {
    AgentView {
        address: app.directory.address_of(account),
        created_at: Some(account.created_at.clone()),
        display_name: account.display_name.clone(),
        service_account_id: Some(account.sa_id.clone()),
        service_account_name: Some(account.name.clone()),
        status: Some("active".into()),
        updated_at: with_updated.then(|| account.updated_at.clone()),
        delivery_mode: None,
        listeners: None,
        pending: None,
        registered: None,
        health_status: None,
    }
}

/// An address with live listeners but no service account (e.g. an admin key listening on a
/// name): shown so that `agents show` does not say "not found" while it serves.
fn unregistered_view(address: &str) -> AgentView {
    AgentView {
        address: address.to_string(),
        created_at: None,
        display_name: None,
        service_account_id: None,
        service_account_name: None,
        status: Some("active".into()),
        updated_at: None,
        delivery_mode: None,
        listeners: None,
        pending: None,
        registered: Some(false),
        health_status: None,
    }
}

/// The axme extension fields: delivery mode, live listeners, pending work.
async fn with_live(
    app: &AppState,
    mut view: AgentView,
    beats: &super::mesh::Heartbeats,
) -> AgentView {
    view.health_status =
        Some(super::mesh::health_of(app, &view.address, beats.get(&view.address).copied()).0);
    view.delivery_mode = Some(
        app.engine
            .agent(&view.address)
            .map_or(DeliveryMode::Stream, |a| a.delivery_mode),
    );
    view.listeners = Some(app.engine.listeners.of(&view.address));
    let query = DeliveryQuery {
        address: view.address.clone(),
        after_cursor: 0,
        statuses: Status::ALL
            .into_iter()
            .filter(|s| !s.is_terminal())
            .collect(),
        limit: PENDING_CAP,
    };
    view.pending = app
        .store
        .deliveries(query)
        .await
        .ok()
        .map(|rows| rows.len() as u64);
    view
}

/// Pending work is counted up to this many intents.
const PENDING_CAP: u32 = 1000;

/// `org_id`/`workspace_id` query parameters may only name the caller's own tenancy.
pub fn check_scope(caller: &Caller, params: &Params) -> ApiResult<()> {
    if let Some(org) = params.get("org_id")
        && org != caller.org_id
        && org != caller.org_slug
    {
        return Err(ApiError::forbidden(
            "this key cannot read another organization",
        ));
    }
    if let Some(ws) = params.get("workspace_id")
        && ws != caller.workspace_id
        && ws != caller.workspace_slug
    {
        return Err(ApiError::forbidden(
            "this key cannot read another workspace",
        ));
    }
    Ok(())
}

async fn list(State(app): State<AppState>, caller: Caller, params: Params) -> ApiResult<Response> {
    check_scope(&caller, &params)?;
    access::require(&caller, Scope::AgentsRead)?;
    let limit = crate::num::usize_from_u64(params.int("limit", 1, 1000)?.unwrap_or(100));
    let mut views: Vec<AgentView> = app
        .directory
        .accounts_in(&caller.workspace_id)
        .iter()
        .filter(|a| a.status == "active")
        .take(limit)
        .map(|a| agent_view(&app, a, false))
        .collect();
    let prefix = format!(
        "{}/",
        AgentAddress::new(&caller.org_slug, &caller.workspace_slug, "x")
            .to_string()
            .trim_end_matches("/x")
    );
    for address in app.engine.listeners.addresses_under(&prefix) {
        if views.len() < limit && !views.iter().any(|v| v.address == address) {
            views.push(unregistered_view(&address));
        }
    }
    let beats = super::mesh::heartbeats(&app, &caller.workspace_id).await?;
    let mut agents = Vec::with_capacity(views.len());
    for view in views {
        agents.push(with_live(&app, view, &beats).await);
    }
    Ok(json_of(&AgentsResponse { agents, ok: true }))
}

/// The full address a path names: bare names live in the caller's workspace.
fn address_from_path(caller: &Caller, raw: &str) -> ApiResult<AgentAddress> {
    match AgentRef::parse(raw) {
        Some(AgentRef::Full(address)) => Ok(address),
        Some(AgentRef::Bare(name)) => Ok(AgentAddress::new(
            &caller.org_slug,
            &caller.workspace_slug,
            &name,
        )),
        None => Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_agent_address",
            "validation",
            format!("'{raw}' is not an agent address (agent://org/workspace/name or a name)"),
        )
        .with_details(json!({ "field": "address" }))),
    }
}

async fn agent_or_stream(
    State(app): State<AppState>,
    caller: Caller,
    Path(rest): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let rest = rest.trim_start_matches('/');
    if let Some(super::policy::PolicyPath::Policy(raw)) = super::policy::PolicyPath::parse(rest) {
        return super::policy::read(&app, &caller, &raw);
    }
    if let Some(raw) = rest.strip_suffix("/intents/stream") {
        let address = address_from_path(&caller, raw)?;
        let own_workspace =
            address.org == caller.org_slug && address.workspace == caller.workspace_slug;
        let address = address.to_string();
        access::require(&caller, Scope::Deliveries)?;
        if address != caller.address && !(caller.is_admin() && own_workspace) {
            return Err(ApiError::forbidden(format!(
                "{} may not listen on {address}: an agent key listens on its own address only",
                caller.address
            )));
        }
        // A client may name itself, so its reconnects count as one listener.
        let listener = headers
            .get("x-axme-listener")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 100)
            .map_or_else(
                || caller.address.clone(),
                |v| format!("{}#{v}", caller.address),
            );
        return super::sse::agent_stream(app, address, listener, params, headers).await;
    }
    access::require(&caller, Scope::AgentsRead)?;
    let address = address_from_path(&caller, rest)?;
    let not_found = || ApiError::not_found("agent_not_found", format!("no agent at {address}"));
    if address.org != caller.org_slug || address.workspace != caller.workspace_slug {
        return Err(not_found());
    }
    let account = app
        .directory
        .account_named(&caller.workspace_id, &address.name)
        .filter(|a| a.status == "active");
    let full = address.to_string();
    let view = match account {
        Some(account) => agent_view(&app, &account, true),
        None if !app.engine.listeners.of(&full).is_empty() => unregistered_view(&full),
        None => return Err(not_found()),
    };
    Ok(json_of(&AgentResponse {
        agent: with_live(
            &app,
            view,
            &super::mesh::heartbeats(&app, &caller.workspace_id).await?,
        )
        .await,
        ok: true,
    }))
}
