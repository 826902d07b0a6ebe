//! Workspaces, service accounts and their API keys (spec §9.3). Changing them takes an
//! admin key; the in-memory directory is updated only after the store committed.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::AppState;
use super::agents::check_scope;
use super::error::{ApiError, ApiResult};
use super::extract::{JsonBody, Params, json_value};
use super::validate;
use crate::protocol::{AgentRef, now};
use crate::server::engine::directory::{Caller, NewKey, new_account_id, new_key};
use crate::server::store::{AccountRow, KeyRow, WorkspaceRow};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/workspaces", post(create_workspace))
        .route(
            "/v1/service-accounts",
            post(create_account).get(list_accounts),
        )
        .route(
            "/v1/service-accounts/{sa_id}",
            get(get_account).patch(super::delivery::patch_account),
        )
        .route("/v1/service-accounts/{sa_id}/keys", post(create_key))
        .route(
            "/v1/service-accounts/{sa_id}/keys/{key_id}/revoke",
            post(revoke_key),
        )
}

pub(super) fn require_admin(caller: &Caller) -> ApiResult<()> {
    if caller.is_admin {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "this needs an admin key of the workspace",
        ))
    }
}

fn opt_str(body: &Value, field: &str, max: usize) -> ApiResult<Option<String>> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() <= max => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid_field(
            field,
            format!("must be a string of at most {max} characters"),
        )),
    }
}

pub(super) fn account_json(app: &AppState, a: &AccountRow) -> Value {
    let address = app.directory.address_of(a);
    let mut account = json!({
        "service_account_id": a.sa_id,
        "id": a.sa_id,
        "org_id": a.org_id,
        "workspace_id": a.workspace_id,
        "name": a.name,
        "display_name": a.display_name,
        "description": a.description,
        "status": a.status,
        "created_by_actor_id": null,
        "agent_address": address,
        "address": address,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    });
    // Delivery settings (never the push secret, which is shown once when configured).
    if let Some(d) = app.engine.agent(&address) {
        account["delivery_mode"] = json!(d.delivery_mode);
        account["callback_url"] = json!(d.callback_url);
    }
    account
}

fn key_json(key: &KeyRow, token: Option<&str>) -> Value {
    let mut v = json!({
        "key_id": key.key_id,
        "service_account_id": key.sa_id,
        "key_hint": key.key_hint,
        "status": key.status,
        "created_at": key.created_at,
        "expires_at": key.expires_at,
    });
    if let Some(token) = token {
        v["token"] = Value::String(token.to_string());
    }
    if key.revoked_at.is_some() {
        v["revoked_at"] = json!(key.revoked_at);
    }
    v
}

fn new_account(
    caller_org: &str,
    workspace_id: &str,
    name: &str,
    display_name: Option<String>,
    description: Option<String>,
    is_admin: bool,
) -> AccountRow {
    let at = now();
    AccountRow {
        sa_id: new_account_id(),
        org_id: caller_org.to_string(),
        workspace_id: workspace_id.to_string(),
        name: name.to_string(),
        display_name,
        description,
        status: "active".into(),
        is_admin,
        created_at: at.clone(),
        updated_at: at,
    }
}

async fn create_workspace(
    State(app): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    require_admin(&caller)?;
    let name = opt_str(&body, "name", 63)?
        .ok_or_else(|| ApiError::invalid_field("name", "is required"))?;
    validate::slug("name", &name)?;
    let workspace = WorkspaceRow {
        workspace_id: uuid::Uuid::new_v4().to_string(),
        org_id: caller.org_id.clone(),
        slug: name.clone(),
        created_at: now(),
    };
    let admin = new_account(
        &caller.org_id,
        &workspace.workspace_id,
        "admin",
        None,
        None,
        true,
    );
    let NewKey { row: key, token } = new_key(&admin.sa_id, &now());
    app.store
        .create_workspace(workspace.clone(), admin.clone(), key.clone())
        .await?;
    app.directory.add_workspace(workspace.clone());
    app.directory.add_account(admin.clone());
    app.directory.add_key(key.clone());
    Ok(json_value(&json!({
        "ok": true,
        "workspace": {
            "workspace_id": workspace.workspace_id,
            "org_id": workspace.org_id,
            "name": workspace.slug,
            "address_prefix": format!("agent://{}/{}", caller.org_slug, workspace.slug),
            "created_at": workspace.created_at,
        },
        "service_account": account_json(&app, &admin),
        "admin_key": key_json(&key, Some(&token)),
    })))
}

async fn create_account(
    State(app): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    require_admin(&caller)?;
    if !body.is_object() {
        return Err(ApiError::invalid_field("body", "must be a JSON object"));
    }
    for (field, own_id, own_slug) in [
        ("org_id", &caller.org_id, &caller.org_slug),
        ("workspace_id", &caller.workspace_id, &caller.workspace_slug),
    ] {
        if let Some(given) = opt_str(&body, field, 128)?
            && given != *own_id
            && given != *own_slug
        {
            return Err(ApiError::forbidden(format!(
                "this key cannot create service accounts outside its own {field}"
            )));
        }
    }
    let raw = opt_str(&body, "name", 383)?
        .ok_or_else(|| ApiError::invalid_field("name", "is required"))?;
    // Clients may send the agent's full address as its name (CLI scenario provisioning).
    let name = match AgentRef::parse(&raw) {
        Some(AgentRef::Full(a))
            if a.org == caller.org_slug && a.workspace == caller.workspace_slug =>
        {
            a.name
        }
        _ => raw.trim().to_string(),
    };
    validate::slug("name", &name)?;
    let account = new_account(
        &caller.org_id,
        &caller.workspace_id,
        &name,
        opt_str(&body, "display_name", 255)?,
        opt_str(&body, "description", 2000)?,
        false,
    );
    app.store.create_account(account.clone()).await?;
    app.directory.add_account(account.clone());
    Ok(json_value(
        &json!({ "ok": true, "service_account": account_json(&app, &account) }),
    ))
}

async fn list_accounts(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
) -> ApiResult<Response> {
    check_scope(&caller, &params)?;
    let accounts: Vec<Value> = app
        .directory
        .accounts_in(&caller.workspace_id)
        .iter()
        .map(|a| account_json(&app, a))
        .collect();
    Ok(json_value(
        &json!({ "ok": true, "service_accounts": accounts }),
    ))
}

/// The account `sa_id` if it belongs to the caller's workspace.
pub(super) fn own_account(app: &AppState, caller: &Caller, sa_id: &str) -> ApiResult<AccountRow> {
    app.directory
        .account(sa_id)
        .filter(|a| a.workspace_id == caller.workspace_id)
        .ok_or_else(|| {
            ApiError::not_found(
                "service_account_not_found",
                format!("no service account {sa_id} in this workspace"),
            )
        })
}

async fn get_account(
    State(app): State<AppState>,
    caller: Caller,
    Path(sa_id): Path<String>,
) -> ApiResult<Response> {
    let account = own_account(&app, &caller, &sa_id)?;
    Ok(json_value(
        &json!({ "ok": true, "service_account": account_json(&app, &account) }),
    ))
}

async fn create_key(
    State(app): State<AppState>,
    caller: Caller,
    Path(sa_id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    require_admin(&caller)?;
    if !body.is_object() {
        return Err(ApiError::invalid_field("body", "must be a JSON object"));
    }
    let account = own_account(&app, &caller, &sa_id)?;
    let NewKey { row, token } = new_key(&account.sa_id, &now());
    app.store.create_key(row.clone()).await?;
    app.directory.add_key(row.clone());
    Ok(json_value(
        &json!({ "ok": true, "key": key_json(&row, Some(&token)) }),
    ))
}

async fn revoke_key(
    State(app): State<AppState>,
    caller: Caller,
    Path((sa_id, key_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    require_admin(&caller)?;
    let account = own_account(&app, &caller, &sa_id)?;
    let key = app
        .store
        .revoke_key(account.sa_id.clone(), key_id.clone(), now())
        .await?
        .ok_or_else(|| {
            ApiError::not_found("key_not_found", format!("no key {key_id} on {sa_id}"))
        })?;
    app.directory.replace_key(key.clone());
    Ok(json_value(&json!({
        "ok": true,
        "key": {
            "service_account_id": key.sa_id,
            "key_id": key.key_id,
            "key_hint": key.key_hint,
            "status": key.status,
            "revoked_at": key.revoked_at,
        }
    })))
}
