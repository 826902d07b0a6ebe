//! Owner scope (spec §4.3): `owner_agent` (query) or `x-owner-agent` (header) names whose
//! inbox, tasks or intents a request acts on; absent, the caller's own address. Both given
//! and different → 400 `owner_scope_conflict`; an owner the caller may not act for → 403.
//! A key acts for its own agent; an admin also for any agent of its workspace.

use axum::http::{HeaderMap, StatusCode};

use super::error::{ApiError, ApiResult};
use super::extract::Params;
use crate::protocol::AgentAddress;
use crate::protocol::address::inbox_address;
use crate::server::engine::directory::Caller;

/// The owner the request names, as a full address, if it names one.
pub fn named(caller: &Caller, params: &Params, headers: &HeaderMap) -> ApiResult<Option<String>> {
    let query = params.get("owner_agent");
    let header = headers
        .get("x-owner-agent")
        .map(|v| {
            v.to_str()
                .map_err(|_| ApiError::invalid_field("x-owner-agent", "is not text"))
        })
        .transpose()?
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let query = query
        .map(|q| canonical(caller, q, "owner_agent"))
        .transpose()?;
    let header = header
        .map(|h| canonical(caller, h, "x-owner-agent"))
        .transpose()?;
    match (query, header) {
        (Some(q), Some(h)) if q != h => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "owner_scope_conflict",
            "validation",
            format!("owner_agent ({q}) and x-owner-agent ({h}) name different owners"),
        )
        .with_details(serde_json::json!({ "owner_agent": q, "x-owner-agent": h }))),
        (q, h) => Ok(q.or(h)),
    }
}

/// The owner a request acts for: the one it names (checked) or the caller itself.
pub fn scope(caller: &Caller, params: &Params, headers: &HeaderMap) -> ApiResult<String> {
    match named(caller, params, headers)? {
        None => Ok(caller.address.clone()),
        Some(owner) if may_act_for(caller, &owner) => Ok(owner),
        Some(owner) => Err(ApiError::forbidden(format!(
            "{} may not act for {owner}: a key acts for its own agent, an admin for its workspace's",
            caller.address
        ))),
    }
}

/// The caller's own address, or (an admin) any but another workspace's agents'. (Short
/// forms, `agent://org/name`, belong to no workspace; inbox threads are kept per workspace,
/// so naming one never reaches across.)
pub fn may_act_for(caller: &Caller, owner: &str) -> bool {
    let elsewhere = AgentAddress::parse(owner)
        .is_some_and(|a| a.org != caller.org_slug || a.workspace != caller.workspace_slug);
    owner == caller.address || (caller.is_admin() && !elsewhere)
}

/// Whether the caller may see and use a stored row of `workspace_id` owned by `owner` (an
/// inbox thread, a webhook subscription or event), given the owner the request named (if
/// any): its own workspace's, that owner's, and one it may act for.
pub fn sees(caller: &Caller, named: Option<&str>, workspace_id: &str, owner: &str) -> bool {
    workspace_id == caller.workspace_id
        && named.is_none_or(|n| n == owner)
        && may_act_for(caller, owner)
}

/// Any `agent://` form (spec §7.5, §9.1), made canonical the way `reply_to` is stored, so an
/// owner is queried exactly as it was written.
pub fn canonical(caller: &Caller, raw: &str, field: &str) -> ApiResult<String> {
    inbox_address(raw, &caller.org_slug, &caller.workspace_slug).ok_or_else(|| {
        ApiError::invalid_field(
            field,
            "is not an agent address (agent://org/workspace/name, agent://org/name or a name)",
        )
    })
}
