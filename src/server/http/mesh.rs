//! The agent mesh (spec §9.4): heartbeats, fleet health, the kill switch and its events,
//! and dashboard tokens. Health is judged by `engine::mesh::judge` from the stored
//! heartbeat and what this node saw; kills are stored first, then take effect in memory.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{Params, json_of};
use super::typed::{RequestBody, Typed};
use crate::protocol::access::Scope;
use crate::protocol::mesh::{
    DashboardToken, DashboardTokenRequest, Health, HeartbeatRequest, HeartbeatResponse, MeshAgent,
    MeshAgentResponse, MeshAgentsResponse, MeshEvent, MeshEventsResponse, MeshSummary,
    MeshSwitchRequest, event_type,
};
use crate::protocol::{AgentRef, Timestamp};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;
use crate::server::engine::hub::Topic;
use crate::server::engine::mesh::{Evidence, Kill, judge};
use crate::server::store::mesh::{
    HeartbeatRow, KillChange, MeshAgentRow, MeshEventQuery, MeshEventRow,
};

/// `metrics` is kept as sent (any object); `address` is checked against the caller.
impl RequestBody for HeartbeatRequest {}

/// `reason` is cut to 500 characters rather than refused.
impl RequestBody for MeshSwitchRequest {}

/// No fields: the token is for the caller; any object (or no body) is accepted.
impl RequestBody for DashboardTokenRequest {}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/mesh/heartbeat", post(heartbeat))
        .route("/v1/mesh/agents", get(list))
        .route("/v1/mesh/agents/{*rest}", get(show).post(act))
        .route("/v1/mesh/events", get(events))
        .route("/v1/auth/dashboard-token", post(dashboard_token))
}

/// `POST /v1/mesh/heartbeat`: the caller's own address, or (an admin's key, as
/// `axme agents listen` on a name uses it) an `address` of its workspace in the body.
pub(super) async fn heartbeat(
    State(app): State<AppState>,
    caller: Caller,
    body: Typed<HeartbeatRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::Deliveries)?;
    let (request, _) = body.decoded()?;
    let metrics = request.metrics.map(|m| Value::Object(m).to_string());
    let address = match request.address.as_deref() {
        None => caller.address.clone(),
        Some(raw) => {
            let address = own_address(&caller, raw)?;
            if address != caller.address && !caller.is_admin() {
                return Err(ApiError::forbidden(format!(
                    "{} may send heartbeats for itself only",
                    caller.address
                )));
            }
            address
        }
    };
    let now = app.now();
    app.store
        .record_heartbeat(HeartbeatRow {
            address: address.clone(),
            workspace_id: caller.workspace_id.clone(),
            at: now.to_string(),
            metrics,
        })
        .await?;
    let (health_status, _) = health_of(&app, &address, Some(now));
    Ok(json_of(&HeartbeatResponse {
        ok: true,
        address,
        health_status,
        received_at: now,
    }))
}

/// Last heartbeat per address of a workspace.
pub type Heartbeats = std::collections::HashMap<String, Timestamp>;

pub async fn heartbeats(app: &AppState, workspace_id: &str) -> ApiResult<Heartbeats> {
    let rows = app
        .store
        .mesh_agents(Some(workspace_id.to_string()))
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r.address, r.last_heartbeat_at?.parse().ok()?)))
        .collect())
}

pub fn health_of(
    app: &AppState,
    address: &str,
    last_heartbeat: Option<Timestamp>,
) -> (Health, String) {
    let evidence = Evidence {
        killed: app.engine.mesh.killed(address).is_some(),
        last_heartbeat,
        connected: app.engine.listeners.of(address).iter().any(|l| l.connected),
        signals: app.engine.mesh.signals(address),
    };
    judge(&evidence, app.now(), app.engine.timing.mesh)
}

/// An address of the caller's workspace: a bare name, or a full address there.
fn own_address(caller: &Caller, raw: &str) -> ApiResult<String> {
    let fixed;
    let raw = match raw.strip_prefix("agent:/") {
        // A client that collapsed the `//` of a full address put in a path.
        Some(rest) if !rest.starts_with('/') => {
            fixed = format!("agent://{rest}");
            fixed.as_str()
        }
        _ => raw,
    };
    let not_found = || ApiError::not_found("agent_not_found", format!("no agent at {raw}"));
    match AgentRef::parse(raw) {
        Some(AgentRef::Bare(name)) => Ok(caller.address_in_workspace(&name)),
        Some(AgentRef::Full(a))
            if a.org == caller.org_slug && a.workspace == caller.workspace_slug =>
        {
            Ok(a.to_string())
        }
        _ => Err(not_found()),
    }
}

/// The address an `{address_id}` names: a service account id of the caller's workspace,
/// a full address there, or a bare name.
fn target(app: &AppState, caller: &Caller, raw: &str) -> ApiResult<String> {
    if let Some(account) = app.directory.account(raw)
        && account.workspace_id == caller.workspace_id
    {
        return Ok(app.directory.address_of(&account));
    }
    own_address(caller, raw)
}

/// `day` (default), `week` or `month`, and when it began.
fn window(app: &AppState, params: &Params) -> ApiResult<(String, Timestamp)> {
    let name = params.get("window").unwrap_or("day").to_ascii_lowercase();
    let days = match name.as_str() {
        "day" => 1,
        "week" => 7,
        "month" => 30,
        _ => {
            return Err(ApiError::invalid_field(
                "window",
                "must be day, week or month",
            ));
        }
    };
    Ok((name, app.now().plus_ms(-days * 86_400_000)))
}

/// Every agent the workspace has: its accounts, addresses with a mesh row, live listeners.
async fn fleet(app: &AppState, caller: &Caller, since: Timestamp) -> ApiResult<Vec<MeshAgent>> {
    let rows = app
        .store
        .mesh_agents(Some(caller.workspace_id.clone()))
        .await?;
    let counts = app
        .store
        .intents_received_since(caller.workspace_id.clone(), since.to_string())
        .await?;
    let mut agents: Vec<MeshAgent> = Vec::new();
    let mut add = |address: String, account: Option<&crate::server::store::AccountRow>| {
        if agents.iter().any(|a| a.address == address) {
            return;
        }
        let row = rows.iter().find(|r| r.address == address);
        let count = counts
            .iter()
            .find(|(a, _)| *a == address)
            .map_or(0, |(_, n)| *n);
        agents.push(view(app, address, account, row, count));
    };
    for account in app.directory.accounts_in(&caller.workspace_id) {
        if account.status == "active" {
            add(app.directory.address_of(&account), Some(&account));
        }
    }
    for row in &rows {
        add(row.address.clone(), None);
    }
    let prefix = caller.address_in_workspace("x");
    let prefix = prefix.trim_end_matches('x');
    for address in app.engine.listeners.addresses_under(prefix) {
        add(address, None);
    }
    Ok(agents)
}

fn view(
    app: &AppState,
    address: String,
    account: Option<&crate::server::store::AccountRow>,
    row: Option<&MeshAgentRow>,
    intents_period: u64,
) -> MeshAgent {
    let last_heartbeat_at = row
        .and_then(|r| r.last_heartbeat_at.as_deref())
        .and_then(|t| t.parse::<Timestamp>().ok());
    let metadata: Value = row
        .and_then(|r| r.metrics.as_deref())
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or(Value::Null);
    let (health_status, health_reason) = health_of(app, &address, last_heartbeat_at);
    let kill = app.engine.mesh.killed(&address);
    MeshAgent {
        address_id: account.map_or_else(|| address.clone(), |a| a.sa_id.clone()),
        display_name: account.and_then(|a| a.display_name.clone()),
        created_at: account.map(|a| a.created_at.clone()),
        health_status,
        health_reason,
        last_heartbeat_at,
        intents_period,
        cost_period: metadata
            .get("cost_usd")
            .and_then(Value::as_f64)
            .unwrap_or(0.0),
        metadata,
        live_listeners: crate::num::u32_from_u64(crate::num::u64_from_usize(
            app.engine.listeners.of(&address).len(),
        )),
        killed_at: kill.as_ref().map(|k| k.at),
        killed_by: kill.map(|k| k.by),
        address,
    }
}

async fn list(State(app): State<AppState>, caller: Caller, params: Params) -> ApiResult<Response> {
    access::require(&caller, Scope::AgentsRead)?;
    let limit = crate::num::usize_from_u64(params.int("limit", 1, 1000)?.unwrap_or(100));
    let health = match params.get("health").filter(|h| !h.is_empty()) {
        None => None,
        Some(h) => Some(
            h.parse::<Health>()
                .map_err(|e| ApiError::invalid_field("health", e))?,
        ),
    };
    let (window, since) = window(&app, &params)?;
    let mut agents = fleet(&app, &caller, since).await?;
    let summary = MeshSummary::of(&agents);
    agents.retain(|a| health.is_none_or(|h| a.health_status == h));
    agents.truncate(limit);
    Ok(json_of(&MeshAgentsResponse {
        ok: true,
        agents,
        summary,
        window,
    }))
}

/// `GET /v1/mesh/agents/{id}`: one agent with its latest mesh events.
async fn show(
    State(app): State<AppState>,
    caller: Caller,
    Path(rest): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    access::require(&caller, Scope::AgentsRead)?;
    let address = target(&app, &caller, rest.trim_start_matches('/'))?;
    let (_, since) = window(&app, &params)?;
    Ok(json_of(&detail(&app, &caller, &address, since).await?))
}

async fn detail(
    app: &AppState,
    caller: &Caller,
    address: &str,
    since: Timestamp,
) -> ApiResult<MeshAgentResponse> {
    let agent = fleet(app, caller, since)
        .await?
        .into_iter()
        .find(|a| a.address == address)
        .ok_or_else(|| ApiError::not_found("agent_not_found", format!("no agent at {address}")))?;
    let events = app
        .store
        .mesh_events(MeshEventQuery {
            workspace_id: caller.workspace_id.clone(),
            address: Some(address.to_string()),
            event_type: None,
            limit: 20,
        })
        .await?
        .into_iter()
        .map(event_view)
        .collect();
    Ok(MeshAgentResponse {
        ok: true,
        agent,
        events,
    })
}

/// `POST /v1/mesh/agents/{id}/kill` and `…/resume`.
pub(super) async fn act(
    State(app): State<AppState>,
    caller: Caller,
    Path(rest): Path<String>,
    body: Typed<MeshSwitchRequest>,
) -> ApiResult<Response> {
    let rest = rest.trim_start_matches('/');
    let (raw, kill) = if let Some(raw) = rest.strip_suffix("/kill") {
        (raw, true)
    } else if let Some(raw) = rest.strip_suffix("/resume") {
        (raw, false)
    } else {
        return Err(ApiError::not_found("route_not_found", "no such route"));
    };
    access::administers(&caller)?;
    let address = target(&app, &caller, raw)?;
    let since = app.now().plus_ms(-86_400_000);
    // 404 for an address the workspace has never had.
    detail(&app, &caller, &address, since).await?;
    let (request, _) = body.decoded()?;
    let reason = request
        .reason
        .map(|r| r.chars().take(500).collect::<String>());
    let already = app.engine.mesh.killed(&address).is_some();
    if already != kill {
        let now = app.now();
        let event = MeshEventRow {
            event_id: uuid::Uuid::now_v7().to_string(),
            workspace_id: caller.workspace_id.clone(),
            address: address.clone(),
            event_type: if kill {
                event_type::KILLED
            } else {
                event_type::RESUMED
            }
            .to_string(),
            details: json!({ "reason": reason }).to_string(),
            actor: caller.address.clone(),
            created_at: now.to_string(),
        };
        app.store
            .set_killed(KillChange {
                killed: kill,
                event,
            })
            .await?;
        if kill {
            app.engine.mesh.kill(
                &address,
                Kill {
                    at: now,
                    by: caller.address.clone(),
                },
            );
        } else {
            app.engine.mesh.resume(&address);
        }
        // Its open streams wake: a killed one ends with the kill frame, a resumed
        // address's pending intents flow again.
        app.hub.publish(Topic::Agent, &address);
    }
    Ok(json_of(&detail(&app, &caller, &address, since).await?))
}

fn event_view(row: MeshEventRow) -> MeshEvent {
    MeshEvent {
        event_id: row.event_id,
        address: row.address,
        event_type: row.event_type,
        details: serde_json::from_str(&row.details).unwrap_or(Value::Null),
        actor_id: row.actor,
        created_at: row.created_at.parse().unwrap_or_else(|_| Timestamp::now()),
    }
}

async fn events(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
) -> ApiResult<Response> {
    access::require(&caller, Scope::AgentsRead)?;
    let limit = crate::num::u32_from_u64(params.int("limit", 1, 500)?.unwrap_or(50));
    let address = match params.get("address").filter(|a| !a.is_empty()) {
        None => None,
        Some(raw) => Some(target(&app, &caller, raw)?),
    };
    let rows = app
        .store
        .mesh_events(MeshEventQuery {
            workspace_id: caller.workspace_id.clone(),
            address,
            event_type: params
                .get("event_type")
                .filter(|t| !t.is_empty())
                .map(str::to_string),
            limit,
        })
        .await?;
    Ok(json_of(&MeshEventsResponse {
        ok: true,
        events: rows.into_iter().map(event_view).collect(),
    }))
}

/// How long a dashboard token lives (spec §9.4: five minutes, single use).
const DASHBOARD_TOKEN_SECONDS: u64 = 300;

/// `POST /v1/auth/dashboard-token`: a short-lived, single-use token for a dashboard
/// session of the caller (kept hashed in memory, see `engine::mesh`).
pub(super) async fn dashboard_token(
    State(app): State<AppState>,
    caller: Caller,
    body: Typed<DashboardTokenRequest>,
) -> ApiResult<Response> {
    access::require(&caller, Scope::AgentsRead)?;
    body.decoded()?;
    let token = format!("axme_dash_{}", uuid::Uuid::new_v4().simple());
    let expires_ms = app.engine.now_ms() + crate::num::i64_from_u64(DASHBOARD_TOKEN_SECONDS * 1000);
    app.engine
        .mesh
        .issue_dashboard_token(&token, &caller.sa_id, expires_ms);
    Ok(json_of(&DashboardToken {
        ok: true,
        token,
        expires_in: DASHBOARD_TOKEN_SECONDS,
    }))
}
