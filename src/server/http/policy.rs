//! Receive policies (spec §3.11): `GET|PUT /v1/agents/{address}/policy`,
//! `POST …/policy/entries`, `DELETE …/policy/entries/{entry_id}`. Which senders of *other*
//! workspaces may send to an agent; its own workspace always may (`engine::policy`).
//!
//! The agent itself and its workspace's admins read it; only an admin (`agents:admin`)
//! changes it. Another workspace is not told the agent exists (404). The change is read,
//! made and stored inside one writer job, so concurrent edits never lose one another.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::json_of;
use super::typed::{RequestBody, Typed};
use crate::protocol::access::{
    AddPolicyEntryRequest, PolicyEntry, PolicyResponse, PolicyType, PutPolicyRequest,
    ReceivePolicy, Scope, valid_pattern,
};
use crate::protocol::{AgentAddress, AgentRef};
use crate::server::engine::access;
use crate::server::engine::directory::Caller;

/// What a path under `/v1/agents/` asks of a policy.
pub enum PolicyPath {
    Policy(String),
    Entries(String),
    Entry(String, String),
}

impl PolicyPath {
    /// `<address>/policy`, `<address>/policy/entries`, `<address>/policy/entries/<id>`.
    pub fn parse(rest: &str) -> Option<PolicyPath> {
        if let Some(agent) = rest.strip_suffix("/policy") {
            return Some(PolicyPath::Policy(agent.to_string()));
        }
        if let Some(agent) = rest.strip_suffix("/policy/entries") {
            return Some(PolicyPath::Entries(agent.to_string()));
        }
        let (head, id) = rest.rsplit_once('/')?;
        let agent = head.strip_suffix("/policy/entries")?;
        Some(PolicyPath::Entry(agent.to_string(), id.to_string()))
    }
}

/// The agent of `raw` in the caller's workspace, as a full address; 404 for any other.
fn own_agent(app: &AppState, caller: &Caller, raw: &str) -> ApiResult<String> {
    let address = match AgentRef::parse(raw) {
        Some(AgentRef::Full(a)) => a,
        Some(AgentRef::Bare(name)) => {
            AgentAddress::new(&caller.org_slug, &caller.workspace_slug, &name)
        }
        None => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_agent_address",
                "validation",
                format!("'{raw}' is not an agent address"),
            ));
        }
    };
    let exists = address.org == caller.org_slug
        && address.workspace == caller.workspace_slug
        && app
            .directory
            .account_named(&caller.workspace_id, &address.name)
            .is_some_and(|a| a.status == "active");
    if !exists {
        return Err(ApiError::not_found(
            "agent_not_found",
            format!("no agent at {address}"),
        ));
    }
    Ok(address.to_string())
}

fn answer(policy: &ReceivePolicy) -> Response {
    json_of(&PolicyResponse {
        ok: true,
        policy: policy.clone(),
    })
}

/// `GET …/policy`: the agent itself or an admin of its workspace.
pub fn read(app: &AppState, caller: &Caller, raw: &str) -> ApiResult<Response> {
    access::require(caller, Scope::AgentsRead)?;
    let address = own_agent(app, caller, raw)?;
    if address != caller.address && !caller.is_admin() {
        return Err(ApiError::forbidden(format!(
            "{} may not read the receive policy of {address}",
            caller.address
        )));
    }
    Ok(answer(&app.engine.receive_policy(&address)))
}

/// One change of a policy, decided inside the writer job.
enum Change {
    SetType(PolicyType, Option<Vec<String>>),
    AddEntry(String),
    RemoveEntry(String),
}

fn check_pattern(pattern: &str, field: &str) -> ApiResult<()> {
    if !valid_pattern(pattern) {
        return Err(ApiError::invalid_field(
            field,
            "must be an agent address, agent://org/workspace/*, agent://org/* or *",
        ));
    }
    Ok(())
}

/// A pattern as sent: a string, or an entry `{"sender_pattern": …}` as `GET` shows it;
/// trimmed. Anything else is left for serde to refuse.
fn pattern_json(value: &mut Value) {
    if let Some(inner) = value.get("sender_pattern").filter(|v| v.is_string()) {
        *value = inner.clone();
    }
    if let Value::String(s) = value {
        *s = s.trim().to_string();
    }
}

impl RequestBody for PutPolicyRequest {
    /// `policy_type` is read case-insensitively; `entries` may be strings or entries as
    /// `GET` shows them (`{"sender_pattern": …}`).
    fn prepare(mut raw: Value) -> Value {
        if let Some(Value::String(kind)) = raw.get_mut("policy_type") {
            *kind = kind.trim().to_ascii_lowercase();
        }
        if let Some(Value::Array(entries)) = raw.get_mut("entries") {
            entries.iter_mut().for_each(pattern_json);
        }
        raw
    }

    fn check(self, _: &Value) -> ApiResult<Self> {
        if let Some(entries) = &self.entries {
            if entries.len() > 1000 {
                return Err(ApiError::invalid_field(
                    "entries",
                    "must be an array of at most 1000 sender patterns",
                ));
            }
            for (i, pattern) in entries.iter().enumerate() {
                check_pattern(pattern, &format!("entries[{i}]"))?;
            }
        }
        Ok(self)
    }

    fn missing(field: &str, _: &Value) -> ApiError {
        ApiError::invalid_field(field, "is required: open, allowlist, denylist or closed")
    }
}

impl RequestBody for AddPolicyEntryRequest {
    /// `sender_pattern` may also be an entry `{"sender_pattern": …}`.
    fn prepare(mut raw: Value) -> Value {
        if let Some(pattern) = raw.get_mut("sender_pattern") {
            pattern_json(pattern);
        }
        raw
    }

    fn check(self, _: &Value) -> ApiResult<Self> {
        check_pattern(&self.sender_pattern, "sender_pattern")?;
        Ok(self)
    }
}

fn no_route(rest: &str) -> ApiError {
    ApiError::not_found(
        "not_found",
        format!("no route /v1/agents/{rest} for this method"),
    )
}

/// `PUT /v1/agents/{address}/policy`.
pub async fn put_policy(
    State(app): State<AppState>,
    caller: Caller,
    Path(rest): Path<String>,
    body: Typed<PutPolicyRequest>,
) -> ApiResult<Response> {
    match PolicyPath::parse(rest.trim_start_matches('/')) {
        Some(PolicyPath::Policy(raw)) => put(app, caller, &raw, body).await,
        _ => Err(no_route(&rest)),
    }
}

/// `POST /v1/agents/{address}/policy/entries`.
pub async fn post_entry(
    State(app): State<AppState>,
    caller: Caller,
    Path(rest): Path<String>,
    body: Typed<AddPolicyEntryRequest>,
) -> ApiResult<Response> {
    match PolicyPath::parse(rest.trim_start_matches('/')) {
        Some(PolicyPath::Entries(raw)) => add(app, caller, &raw, body).await,
        _ => Err(no_route(&rest)),
    }
}

/// `DELETE /v1/agents/{address}/policy/entries/{entry_id}`.
pub async fn delete_entry(
    State(app): State<AppState>,
    caller: Caller,
    Path(rest): Path<String>,
) -> ApiResult<Response> {
    match PolicyPath::parse(rest.trim_start_matches('/')) {
        Some(PolicyPath::Entry(raw, id)) => remove(app, caller, &raw, &id).await,
        _ => Err(no_route(&rest)),
    }
}

/// `PUT …/policy` `{"policy_type", "entries"?: [pattern…]}`.
async fn put(
    app: AppState,
    caller: Caller,
    raw: &str,
    body: Typed<PutPolicyRequest>,
) -> ApiResult<Response> {
    access::administers(&caller)?;
    let address = own_agent(&app, &caller, raw)?;
    let (request, _) = body.decoded()?;
    let change_to = Change::SetType(request.policy_type, request.entries);
    change(app, caller, address, change_to).await
}

/// `POST …/policy/entries` `{"sender_pattern"}`.
async fn add(
    app: AppState,
    caller: Caller,
    raw: &str,
    body: Typed<AddPolicyEntryRequest>,
) -> ApiResult<Response> {
    access::administers(&caller)?;
    let address = own_agent(&app, &caller, raw)?;
    let (request, _) = body.decoded()?;
    change(
        app,
        caller,
        address,
        Change::AddEntry(request.sender_pattern),
    )
    .await
}

/// `DELETE …/policy/entries/{entry_id}`.
async fn remove(app: AppState, caller: Caller, raw: &str, id: &str) -> ApiResult<Response> {
    access::administers(&caller)?;
    let address = own_agent(&app, &caller, raw)?;
    change(app, caller, address, Change::RemoveEntry(id.to_string())).await
}

async fn change(
    app: AppState,
    caller: Caller,
    address: String,
    change: Change,
) -> ApiResult<Response> {
    let at = app.now().to_string();
    let engine = app.engine.clone();
    let workspace_id = caller.workspace_id.clone();
    let outcome = app
        .store
        .run(move |tx| {
            let mut policy = tx
                .receive_policy(&address)?
                .unwrap_or_else(|| ReceivePolicy::default_for(&address));
            match change {
                Change::SetType(kind, entries) => {
                    policy.policy_type = kind;
                    if let Some(patterns) = entries {
                        policy.entries = patterns.into_iter().map(|p| new_entry(p, &at)).collect();
                    }
                }
                Change::AddEntry(pattern) => {
                    if !policy.entries.iter().any(|e| e.sender_pattern == pattern) {
                        policy.entries.push(new_entry(pattern, &at));
                    }
                }
                Change::RemoveEntry(id) => {
                    let before = policy.entries.len();
                    policy.entries.retain(|e| e.entry_id != id);
                    if policy.entries.len() == before {
                        return Ok(None);
                    }
                }
            }
            policy.updated_at = Some(at.clone());
            tx.put_receive_policy(&workspace_id, &policy)?;
            // Known to this node as it commits; other nodes reload (`d` notice).
            engine.set_policy(policy.clone());
            Ok(Some(policy))
        })
        .await?;
    match outcome {
        Some(policy) => Ok(answer(&policy)),
        None => Err(ApiError::not_found(
            "policy_entry_not_found",
            "no such entry in this receive policy",
        )),
    }
}

fn new_entry(sender_pattern: String, at: &str) -> PolicyEntry {
    PolicyEntry {
        entry_id: uuid::Uuid::new_v4().to_string(),
        sender_pattern,
        created_at: Some(at.to_string()),
    }
}
