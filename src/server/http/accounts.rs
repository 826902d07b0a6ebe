//! Workspaces, service accounts and their API keys (spec §9.3). Changing them takes an
//! admin key; the in-memory directory is updated only after the store committed.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;

use super::AppState;
use super::agents::check_scope;
use super::error::{ApiError, ApiResult};
use super::extract::{Params, json_of};
use super::typed::{RequestBody, Typed, at_most};
use super::validate;
use crate::protocol::AgentRef;
use crate::protocol::access::{Role, Scope, Scopes};
use crate::protocol::account::{
    CreateKeyRequest, CreateServiceAccountRequest, CreateWorkspaceRequest, CreateWorkspaceResponse,
    DeleteServiceAccountResponse, DeliverySettings, KeyResponse, KeyView, ServiceAccountResponse,
    ServiceAccountView, ServiceAccountsResponse, WorkspaceView,
};
use crate::server::engine::access;
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
            get(get_account)
                .patch(super::delivery::patch_account)
                .delete(delete_account),
        )
        .route("/v1/service-accounts/{sa_id}/keys", post(create_key))
        .route(
            "/v1/service-accounts/{sa_id}/keys/{key_id}/revoke",
            post(revoke_key),
        )
}

/// Changing accounts, keys and agents takes an admin role and the `agents:admin` scope.
pub(super) fn require_admin(caller: &Caller) -> ApiResult<()> {
    Ok(access::administers(caller)?)
}

impl RequestBody for CreateWorkspaceRequest {
    fn check(self, _: &Value) -> ApiResult<Self> {
        at_most("name", Some(&self.name), 63)?;
        Ok(self)
    }
}

impl RequestBody for CreateServiceAccountRequest {
    /// `role` is read case-insensitively (`Admin`), as `Role::from_str` reads it.
    fn prepare(mut raw: Value) -> Value {
        if let Some(Value::String(role)) = raw.get_mut("role") {
            *role = role.trim().to_ascii_lowercase();
        }
        raw
    }

    fn check(self, _: &Value) -> ApiResult<Self> {
        at_most("name", Some(&self.name), 383)?;
        at_most("display_name", self.display_name.as_deref(), 255)?;
        at_most("description", self.description.as_deref(), 2000)?;
        at_most("org_id", self.org_id.as_deref(), 128)?;
        at_most("workspace_id", self.workspace_id.as_deref(), 128)?;
        Ok(self)
    }
}

impl RequestBody for CreateKeyRequest {
    /// `scopes` may also be one string of names separated by spaces or commas.
    fn prepare(mut raw: Value) -> Value {
        if let Some(scopes) = raw.get_mut("scopes")
            && let Value::String(list) = scopes
        {
            let names = list
                .split([' ', ','])
                .filter(|n| !n.trim().is_empty())
                .map(|n| Value::String(n.trim().to_string()))
                .collect();
            *scopes = Value::Array(names);
        }
        raw
    }
}

/// `scopes` of a new key; `None` when absent: the key holds all its account's role allows.
/// More than the role allows is refused.
fn within_role(scopes: Option<Scopes>, role: Role) -> ApiResult<Option<Scopes>> {
    let Some(scopes) = scopes else {
        return Ok(None);
    };
    if !scopes.is_subset_of(role.ceiling()) {
        let extra: Vec<&str> = scopes
            .iter()
            .filter(|s| !role.ceiling().has(*s))
            .map(|s| s.as_str())
            .collect();
        return Err(ApiError::invalid_field(
            "scopes",
            format!("a {role} account cannot hold {}", extra.join(", ")),
        ));
    }
    Ok(Some(scopes))
}

/// The account as clients see it, with its delivery settings when configured (never the
/// push secret, which is shown once when it is made).
pub(super) fn account_view(app: &AppState, a: &AccountRow) -> ServiceAccountView {
    let address = app.directory.address_of(a);
    let delivery = app.engine.agent(&address).map(|d| DeliverySettings {
        callback_secret: None,
        callback_url: d.callback_url,
        delivery_mode: d.delivery_mode,
    });
    ServiceAccountView {
        agent_address: Some(address.clone()),
        address,
        delivery,
        created_at: Some(a.created_at.clone()),
        created_by_actor_id: None,
        description: a.description.clone(),
        display_name: a.display_name.clone(),
        id: Some(a.sa_id.clone()),
        name: a.name.clone(),
        org_id: Some(a.org_id.clone()),
        role: Some(a.role),
        service_account_id: a.sa_id.clone(),
        status: Some(a.status.clone()),
        updated_at: Some(a.updated_at.clone()),
        workspace_id: Some(a.workspace_id.clone()),
    }
}

fn key_view(app: &AppState, key: &KeyRow, token: Option<&str>) -> KeyView {
    let role = app
        .directory
        .account(&key.sa_id)
        .map_or(Role::Agent, |a| a.role);
    KeyView {
        scopes: Some(key.scopes.unwrap_or(Scopes::ALL).intersect(role.ceiling())),
        created_at: Some(key.created_at.clone()),
        expires_at: key.expires_at.clone(),
        key_hint: Some(key.key_hint.clone()),
        key_id: key.key_id.clone(),
        revoked_at: key.revoked_at.clone(),
        service_account_id: key.sa_id.clone(),
        status: Some(key.status.clone()),
        token: token.map(str::to_string),
    }
}

fn account_response(app: &AppState, account: &AccountRow) -> Response {
    json_of(&ServiceAccountResponse::of(
        account_view(app, account),
        None,
    ))
}

fn new_account(
    at: &str,
    caller_org: &str,
    workspace_id: &str,
    name: &str,
    display_name: Option<String>,
    description: Option<String>,
    role: Role,
) -> AccountRow {
    AccountRow {
        sa_id: new_account_id(),
        org_id: caller_org.to_string(),
        workspace_id: workspace_id.to_string(),
        name: name.to_string(),
        display_name,
        description,
        status: "active".into(),
        role,
        created_at: at.to_string(),
        updated_at: at.to_string(),
    }
}

pub(super) async fn create_workspace(
    State(app): State<AppState>,
    caller: Caller,
    body: Typed<CreateWorkspaceRequest>,
) -> ApiResult<Response> {
    require_admin(&caller)?;
    let (CreateWorkspaceRequest { name }, _) = body.decoded()?;
    validate::slug("name", &name)?;
    let workspace = WorkspaceRow {
        workspace_id: uuid::Uuid::new_v4().to_string(),
        org_id: caller.org_id.clone(),
        slug: name.clone(),
        created_at: app.now().to_string(),
    };
    let admin = new_account(
        &app.now().to_string(),
        &caller.org_id,
        &workspace.workspace_id,
        "admin",
        None,
        None,
        Role::Admin,
    );
    let NewKey { row: key, token } = new_key(&admin.sa_id, &app.now().to_string());
    app.store
        .create_workspace(workspace.clone(), admin.clone(), key.clone())
        .await?;
    app.directory.add_workspace(workspace.clone());
    app.directory.add_account(admin.clone());
    app.directory.add_key(key.clone());
    Ok(json_of(&CreateWorkspaceResponse {
        admin_key: key_view(&app, &key, Some(&token)),
        ok: true,
        service_account: account_view(&app, &admin),
        workspace: WorkspaceView {
            address_prefix: format!("agent://{}/{}", caller.org_slug, workspace.slug),
            created_at: workspace.created_at,
            name: workspace.slug,
            org_id: workspace.org_id,
            workspace_id: workspace.workspace_id,
        },
    }))
}

pub(super) async fn create_account(
    State(app): State<AppState>,
    caller: Caller,
    body: Typed<CreateServiceAccountRequest>,
) -> ApiResult<Response> {
    require_admin(&caller)?;
    let (request, _) = body.decoded()?;
    for (field, given, own_id, own_slug) in [
        ("org_id", &request.org_id, &caller.org_id, &caller.org_slug),
        (
            "workspace_id",
            &request.workspace_id,
            &caller.workspace_id,
            &caller.workspace_slug,
        ),
    ] {
        if let Some(given) = given
            && given != own_id
            && given != own_slug
        {
            return Err(ApiError::forbidden(format!(
                "this key cannot create service accounts outside its own {field}"
            )));
        }
    }
    let raw = request.name;
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
        &app.now().to_string(),
        &caller.org_id,
        &caller.workspace_id,
        &name,
        request.display_name,
        request.description,
        request.role.unwrap_or(Role::Agent),
    );
    app.store.create_account(account.clone()).await?;
    app.directory.add_account(account.clone());
    Ok(account_response(&app, &account))
}

async fn list_accounts(
    State(app): State<AppState>,
    caller: Caller,
    params: Params,
) -> ApiResult<Response> {
    check_scope(&caller, &params)?;
    access::require(&caller, Scope::AgentsRead)?;
    // Delivery settings are the administrators' business: others see their own account.
    let admin = access::administers(&caller).is_ok();
    let service_accounts = app
        .directory
        .accounts_in(&caller.workspace_id)
        .iter()
        .filter(|a| admin || a.sa_id == caller.sa_id)
        .map(|a| account_view(&app, a))
        .collect();
    Ok(json_of(&ServiceAccountsResponse {
        ok: true,
        service_accounts,
    }))
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
    access::require(&caller, Scope::AgentsRead)?;
    if sa_id != caller.sa_id {
        require_admin(&caller)?;
    }
    let account = own_account(&app, &caller, &sa_id)?;
    Ok(account_response(&app, &account))
}

pub(super) async fn create_key(
    State(app): State<AppState>,
    caller: Caller,
    Path(sa_id): Path<String>,
    body: Typed<CreateKeyRequest>,
) -> ApiResult<Response> {
    require_admin(&caller)?;
    let account = own_account(&app, &caller, &sa_id)?;
    if account.status != "active" {
        return Err(ApiError::conflict(
            "service_account_revoked",
            format!(
                "service account {sa_id} is {}: it gets no new keys",
                account.status
            ),
        ));
    }
    let (request, _) = body.decoded()?;
    let NewKey { mut row, token } = new_key(&account.sa_id, &app.now().to_string());
    row.scopes = within_role(request.scopes, account.role)?;
    app.store.create_key(row.clone()).await?;
    app.directory.add_key(row.clone());
    Ok(json_of(&KeyResponse::of(key_view(
        &app,
        &row,
        Some(&token),
    ))))
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
        .revoke_key(account.sa_id.clone(), key_id.clone(), app.now().to_string())
        .await?
        .ok_or_else(|| {
            ApiError::not_found("key_not_found", format!("no key {key_id} on {sa_id}"))
        })?;
    app.directory.replace_key(key.clone());
    Ok(json_of(&KeyResponse::of(key_view(&app, &key, None))))
}

/// `DELETE /v1/service-accounts/{sa_id}`: the account is revoked (its agent gone from
/// `/v1/agents`, its name kept) and every key it holds stops working at once. An admin
/// may not delete the account of the key it calls with. Repeating it answers the same.
async fn delete_account(
    State(app): State<AppState>,
    caller: Caller,
    Path(sa_id): Path<String>,
) -> ApiResult<Response> {
    require_admin(&caller)?;
    let account = own_account(&app, &caller, &sa_id)?;
    if account.sa_id == caller.sa_id {
        return Err(ApiError::conflict(
            "cannot_delete_self",
            "a key cannot delete its own service account: use another admin's key",
        ));
    }
    let (account, keys) = app
        .store
        .delete_account(account.sa_id, app.now().to_string())
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "service_account_not_found",
                format!("no service account {sa_id} in this workspace"),
            )
        })?;
    app.directory.add_account(account.clone());
    let revoked = keys.len();
    for key in keys {
        app.directory.replace_key(key);
    }
    tracing::info!(sa_id = %account.sa_id, by = %caller.sa_id, keys = revoked, "service account deleted");
    Ok(json_of(&DeleteServiceAccountResponse {
        ok: true,
        deleted: true,
        service_account_id: account.sa_id.clone(),
        keys_revoked: u64::try_from(revoked).unwrap_or(u64::MAX),
        service_account: account_view(&app, &account),
    }))
}
